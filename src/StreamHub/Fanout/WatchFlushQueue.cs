namespace StreamHub.Fanout;

/// <summary>
/// The one flush clock of an instance's watch writers, instead of a timer per request: a writer joins the queue when
/// the first event of a batch arrives, due <see cref="WatchKeys.FlushDelay"/> later, and one timer fires at the
/// earliest due time. Each firing flushes every writer due by then or within <see cref="Slack"/> after it, so their
/// <c>XADD</c>s leave together and the timer is re-armed at most once per firing (re-arming a timer takes the runtime's
/// timer-queue lock; a timer per request did so, and woke a thread-pool thread, once per flush of every request).
/// Never late: an event waits at most the flush delay (a writer may go up to the slack early). Nothing pending, no timer.
/// </summary>
internal sealed class WatchFlushQueue : IDisposable
{
    /// <summary>How early a writer may be flushed to go out with one that is due.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(20);

    private readonly Queue<(RedisWatchWriter Writer, long Due)> _queue = new();
    private readonly List<RedisWatchWriter> _ready = [];
    private readonly Lock _gate = new();
    private readonly Lock _flushing = new();
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly long _delay;
    private readonly long _slack;
    private bool _armed;
    private bool _disposed;

    public WatchFlushQueue(TimeProvider time)
    {
        _time = time;
        _delay = Ticks(WatchKeys.FlushDelay);
        _slack = Ticks(Slack);
        using (ExecutionContext.SuppressFlow())
        {
            // Created when the store is, perhaps inside a request: the timer keeps none of its context.
            _timer = time.CreateTimer(static s => ((WatchFlushQueue)s!).Fire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>The writer's batch began now: it is flushed <see cref="WatchKeys.FlushDelay"/> from now at the latest.</summary>
    public void Schedule(RedisWatchWriter writer)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _queue.Enqueue((writer, _time.GetTimestamp() + _delay));
            if (!_armed)
            {
                // Every writer queued later is due later: the head is always the earliest.
                _armed = true;
                _timer.Change(WatchKeys.FlushDelay, Timeout.InfiniteTimeSpan);
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _queue.Clear();
            _timer.Dispose();
        }
    }

    private void Fire()
    {
        // One firing at a time (a late firing and the next could overlap on the thread pool); writers flush outside the
        // queue's lock, so a writer appending meanwhile never waits for another writer's flush.
        lock (_flushing)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                var now = _time.GetTimestamp();
                while (_queue.TryPeek(out var head) && head.Due <= now + _slack)
                {
                    _ready.Add(_queue.Dequeue().Writer);
                }

                _armed = _queue.TryPeek(out var next);
                if (_armed)
                {
                    _timer.Change(next.Due > now ? _time.GetElapsedTime(now, next.Due) : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
                }
            }

            foreach (var writer in _ready)
            {
                writer.Flush();
            }

            _ready.Clear();
        }
    }

    private long Ticks(TimeSpan span) => (long)(span.TotalSeconds * _time.TimestampFrequency);
}
