using System.Collections.Concurrent;
using StackExchange.Redis;

namespace StreamHub.Fanout;

/// <summary>
/// Wakes this instance's watchers of a Redis watch buffer: one subscription to the notify channel for the whole
/// instance, one signal per watched buffer however many watch it. A watcher takes the signal's task before it
/// reads, so a notification between its read and its wait is never missed.
/// </summary>
internal sealed class WatchSignals(IConnectionMultiplexer redis)
{
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private int _subscribed;

    /// <summary>Buffers this instance's watchers wait on.</summary>
    public int Count => _signals.Count;

    /// <summary>Subscribes once (the first watcher on this instance); throws a <see cref="RedisException"/> while Redis is away.</summary>
    public async Task EnsureSubscribedAsync()
    {
        if (Volatile.Read(ref _subscribed) == 1)
        {
            return;
        }

        await redis.GetSubscriber().SubscribeAsync(WatchKeys.Notify, (_, message) =>
        {
            if (_signals.TryGetValue(message!, out var signal))
            {
                signal.Set();
            }
        });
        Volatile.Write(ref _subscribed, 1);
    }

    public Signal Acquire(string key)
    {
        lock (_gate)
        {
            if (!_signals.TryGetValue(key, out var signal))
            {
                signal = new Signal();
                _signals[key] = signal;
            }

            signal.Watchers++;
            return signal;
        }
    }

    public void Release(string key, Signal signal)
    {
        lock (_gate)
        {
            if (--signal.Watchers == 0)
            {
                _signals.TryRemove(key, out _);
            }
        }
    }

    /// <summary>Wakes every watcher once: they read again (what covers a notification lost while Redis reconnected).</summary>
    public void WakeAll()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Set();
        }
    }

    /// <summary>Wakes the watchers of one buffer.</summary>
    internal sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes at the next wake.</summary>
        public Task Next => Volatile.Read(ref _next).Task;

        /// <summary>Watchers of this instance holding it; guarded by the owner's lock.</summary>
        public int Watchers { get; set; }

        public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
