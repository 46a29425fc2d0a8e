using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that remembers the timers the code under test arms, so a test can wait
/// until the wait it is about to advance past (a Polly retry delay, a timeout, a watchdog re-armed per read)
/// is in place instead of guessing with a sleep. Once the only timer that could end a wait is armed for a
/// known time, advancing the clock by less than that is a deterministic "not yet".
/// </summary>
internal sealed class RecordingTimeProvider : FakeTimeProvider
{
    private readonly ConcurrentQueue<TimeSpan> _created = new();
    private readonly ConcurrentDictionary<RecordingTimer, TimeSpan> _armed = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        _created.Enqueue(dueTime);
        var timer = new RecordingTimer(this);
        timer.Arm(dueTime, period);
        timer.Inner = base.CreateTimer(
            s =>
            {
                timer.Fired();
                callback(s);
            },
            state,
            dueTime,
            period);
        return timer;
    }

    /// <summary>How many timers the code under test has created so far.</summary>
    public int TimersCreated => _created.Count;

    /// <summary>Waits (real time, bounded) until a timer with exactly <paramref name="dueTime"/> was created.</summary>
    public Task WaitForTimerAsync(TimeSpan dueTime, TimeSpan? within = null)
        => Waits.EventuallyAsync(() => _created.Contains(dueTime), $"a timer of {dueTime} to be created", within);

    /// <summary>
    /// Waits (real time, bounded) until <paramref name="count"/> timers with exactly <paramref name="dueTime"/> were
    /// created in all: a loop that arms a fresh timer each round (a heartbeat's delay) is waiting for its n-th round.
    /// </summary>
    public Task WaitForTimersAsync(TimeSpan dueTime, int count, TimeSpan? within = null)
        => Waits.EventuallyAsync(() => _created.Count(created => created == dueTime) >= count, $"{count} timer(s) of {dueTime} to be created", within);

    /// <summary>
    /// Waits (real time, bounded) until a timer is armed right now for exactly <paramref name="dueTime"/>:
    /// created, or re-armed with <see cref="ITimer.Change"/> (as <see cref="CancellationTokenSource.CancelAfter(TimeSpan)"/>
    /// does), and since then neither fired, disarmed nor disposed.
    /// </summary>
    public Task WaitUntilArmedAsync(TimeSpan dueTime, TimeSpan? within = null)
        => Waits.EventuallyAsync(() => _armed.Values.Contains(dueTime), $"a timer to be armed for {dueTime}", within);

    /// <summary>Waits (real time, bounded) until no timer is armed for <paramref name="dueTime"/> (it fired, was disarmed or disposed).</summary>
    public Task WaitUntilNotArmedAsync(TimeSpan dueTime, TimeSpan? within = null)
        => Waits.EventuallyAsync(() => !_armed.Values.Contains(dueTime), $"no timer to be armed for {dueTime}", within);

    /// <summary>A timer of the fake clock that reports each arming, firing and disposal to its provider.</summary>
    private sealed class RecordingTimer(RecordingTimeProvider owner) : ITimer
    {
        private TimeSpan _period = Timeout.InfiniteTimeSpan;

        public ITimer? Inner { get; set; }

        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            Arm(dueTime, period);
            return Inner?.Change(dueTime, period) ?? false;
        }

        public void Dispose()
        {
            owner._armed.TryRemove(this, out _);
            Inner?.Dispose();
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return default;
        }

        public void Arm(TimeSpan dueTime, TimeSpan period)
        {
            _period = period;
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                owner._armed.TryRemove(this, out _);
            }
            else
            {
                owner._armed[this] = dueTime;
            }
        }

        public void Fired()
        {
            // A one-shot timer is spent once it fires; a periodic one stays armed.
            if (_period == Timeout.InfiniteTimeSpan || _period == TimeSpan.Zero)
            {
                owner._armed.TryRemove(this, out _);
            }
        }
    }
}
