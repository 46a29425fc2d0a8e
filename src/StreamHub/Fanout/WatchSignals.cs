using System.Collections.Concurrent;
using StackExchange.Redis;

namespace StreamHub.Fanout;

/// <summary>
/// This instance's side of waking watchers. It has a wake channel of its own (<see cref="WatchKeys.Wake"/>), and one
/// signal per watched buffer however many watch it; it asks for the buffers its watchers wait on
/// (<see cref="WatchKeys.Ask"/>, again at every sweep while they wait), so that only the writer of such a buffer
/// publishes, and only to the instances that asked. It also hears every instance's asks for the writers here. A
/// watcher takes the signal's task before it reads, so a wake between its read and its wait is never missed.
/// </summary>
internal sealed class WatchSignals(IConnectionMultiplexer redis, Action<string, string> asked, ILogger logger)
{
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);
    private const string AskAgainMark = "* ";
    private readonly Lock _gate = new();
    private Task? _subscribing;

    /// <summary>This instance's name on the wake channels.</summary>
    public string Instance { get; } = Guid.NewGuid().ToString("N");

    /// <summary>Buffers this instance's watchers wait on.</summary>
    public int Count => _signals.Count;

    /// <summary>Subscribes once (at first use); throws a <see cref="RedisException"/> while Redis is away, and tries again at the next call.</summary>
    public Task EnsureSubscribedAsync()
    {
        lock (_gate)
        {
            if (_subscribing is null || _subscribing.IsFaulted || _subscribing.IsCanceled)
            {
                _subscribing = SubscribeAsync();
            }

            return _subscribing;
        }
    }

    /// <summary>Subscribes in the background (a failure is logged, and tried again at the next call).</summary>
    public void Listen() => EnsureSubscribedAsync().ContinueWith(
        static (t, s) => ((ILogger)s!).LogWarning(t.Exception, "Cannot hear other instances' watchers yet (Redis is unreachable); trying again in {Delay}", WatchKeys.Housekeeping),
        logger,
        CancellationToken.None,
        TaskContinuationOptions.OnlyOnFaulted,
        TaskScheduler.Default);

    /// <summary>Tells the writer of <paramref name="key"/>, wherever it runs, that watchers here wait on it.</summary>
    public void Ask(string key) => Publish(WatchKeys.Ask, Instance + " " + key);

    /// <summary>
    /// <paramref name="key"/>'s writer moved here (a survivor's continuation): every instance with watchers of it asks
    /// again, at once instead of at its next sweep.
    /// </summary>
    public void AskAgain(string key) => Publish(WatchKeys.Ask, AskAgainMark + key);

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

    /// <summary>
    /// Asks again for every watched buffer (renewing the leases) and wakes every watcher once: they read again (what
    /// covers a wake or an ask lost while Redis reconnected).
    /// </summary>
    public void Sweep()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Set();
        }

        foreach (var key in _signals.Keys)
        {
            Ask(key);
        }
    }

    private async Task SubscribeAsync()
    {
        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(WatchKeys.Ask, (_, message) =>
        {
            var text = (string?)message;
            var space = text?.IndexOf(' ', StringComparison.Ordinal) ?? -1;
            if (text?.StartsWith(AskAgainMark, StringComparison.Ordinal) == true)
            {
                var key = text[AskAgainMark.Length..];
                if (_signals.TryGetValue(key, out var signal))
                {
                    Ask(key);
                    signal.Set();
                }
            }
            else if (space > 0)
            {
                asked(text![..space], text[(space + 1)..]);
            }
        });
        await subscriber.SubscribeAsync(WatchKeys.Wake(Instance), (_, message) =>
        {
            if (_signals.TryGetValue(message!, out var signal))
            {
                signal.Set();
            }
        });
    }

    private void Publish(RedisChannel channel, string message)
    {
        try
        {
            redis.GetSubscriber().Publish(channel, message, CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            logger.LogDebug(ex, "A watch notice was not sent: Redis is unreachable (the next sweep covers it)");
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
