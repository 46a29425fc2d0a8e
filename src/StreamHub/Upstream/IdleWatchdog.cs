namespace StreamHub.Upstream;

/// <summary>
/// Cancels an open upstream stream's reads when one read waits longer than <c>Upstream:Timeouts:Idle</c> for the
/// next event; the time the caller takes between reads is its own. A read costs two writes of one field: the
/// timer is not re-armed per read (re-arming a timer takes the runtime's timer-queue lock, twice per token for
/// every stream, which showed up as lock contention at 1,000 streams). Instead the one timer wakes at the
/// earliest moment the current read could be overdue, and re-arms itself for the rest when it is not.
/// </summary>
internal sealed class IdleWatchdog : IDisposable
{
    private const long NotReading = long.MinValue;

    private readonly CancellationTokenSource _reads;
    private readonly TimeSpan _idle;
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private long _readSince = NotReading;

    /// <param name="reads">Cancelled when a read is overdue; the watchdog owns and disposes it.</param>
    public IdleWatchdog(CancellationTokenSource reads, TimeSpan idle, TimeProvider time)
    {
        _reads = reads;
        _idle = idle;
        _time = time;
        _timer = time.CreateTimer(static s => ((IdleWatchdog)s!).Check(), this, idle, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Whether this watchdog (not the caller, not the total timeout) cancelled the reads.</summary>
    public bool TimedOut => _reads.IsCancellationRequested;

    public void ReadStarted() => Volatile.Write(ref _readSince, _time.GetTimestamp());

    public void ReadEnded() => Volatile.Write(ref _readSince, NotReading);

    public void Dispose()
    {
        _timer.Dispose();
        _reads.Dispose();
    }

    private void Check()
    {
        // A read that starts after this reading is due no sooner than a full idle from now: re-arming for the
        // rest (or a full idle) never fires late, and firing early only re-arms.
        var since = Volatile.Read(ref _readSince);
        var waited = since == NotReading ? TimeSpan.Zero : _time.GetElapsedTime(since);
        try
        {
            if (waited >= _idle)
            {
                _reads.Cancel();
                return;
            }

            _timer.Change(_idle - waited, Timeout.InfiniteTimeSpan);
        }
        catch (ObjectDisposedException)
        {
            // The stream ended while the timer fired.
        }
    }
}
