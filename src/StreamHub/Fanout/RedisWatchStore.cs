using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Watch buffers as one Redis Stream per request (<see cref="WatchKeys"/>: <c>{prefix}:watch:{scope}:{id}</c>, one
/// entry per flush of its writer, encoded by <see cref="WatchEntry"/>, trimmed to about <c>WatchMaxLength</c> events),
/// readable from every instance. Every key expires: <see cref="WatchKeys.LiveExpiry"/> after its instance last
/// refreshed it while the request runs, <c>WatchExpiry</c> after the end, so an instance that dies leaves nothing
/// behind for long. A request costs Redis one <c>XADD</c> per flush (<see cref="RedisWatchWriter"/>: at most one per
/// <see cref="WatchKeys.FlushDelay"/> while events arrive), plus one publish per flush to each instance that asked
/// for it (<see cref="WatchSignals"/>). Idle watchers cost Redis nothing: one timer per instance refreshes the live
/// buffers' expiry, renews this instance's asks and wakes every watcher once (covering a wake lost while Redis
/// reconnected) instead of a poll per watcher.
/// </summary>
internal sealed class RedisWatchStore : IWatchStore, IDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly FanoutOptions _options;
    private readonly string _prefix;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisWatchStore> _logger;
    private readonly WatchSignals _signals;
    private readonly WatchWriters _writers;
    private readonly WatchFlushQueue _flushes;
    private readonly Lock _gate = new();
    private ITimer? _housekeeping;

    public RedisWatchStore(
        IConnectionMultiplexer redis, IOptions<FanoutOptions> options, IOptions<RedisSettings> settings, TimeProvider timeProvider, ILogger<RedisWatchStore> logger)
    {
        _redis = redis;
        _options = options.Value;
        _prefix = settings.Value.ChannelPrefix;
        _timeProvider = timeProvider;
        _logger = logger;
        _writers = new WatchWriters(redis, logger);
        _flushes = new WatchFlushQueue(timeProvider);
        _signals = new WatchSignals(redis, _writers.Asked, logger);
    }

    /// <summary>Buffers this instance's watchers wait on.</summary>
    internal int WatchedBuffers => _signals.Count;

    /// <summary>Where appends go without a <c>SELECT</c> each (<see cref="WatchWriters.DirectServer"/>).</summary>
    internal IServer? DirectServer => _writers.DirectServer;

    /// <summary>This instance's name on the wake channels (<see cref="WatchKeys.Wake"/>).</summary>
    internal string Instance => _signals.Instance;

    public IWatchWriter Open(string requestId, string scope) => Writer(requestId, scope, continued: false);

    public IWatchWriter Continue(string requestId, string scope) => Writer(requestId, scope, continued: true);

    public async IAsyncEnumerable<CompletionEvent> WatchAsync(
        string requestId, string scope, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EnsureHousekeeping();
        var db = _redis.GetDatabase();
        var key = WatchKeys.Stream(_prefix, scope, requestId);
        try
        {
            await _signals.EnsureSubscribedAsync();
        }
        catch (RedisException)
        {
            throw WatchErrors.StoreDown();
        }

        var signal = _signals.Acquire(key);
        try
        {
            RedisValue position = "0-0";
            var woken = false;
            var asked = false;
            var events = new List<CompletionEvent>();
            while (true)
            {
                var wake = signal.Next;
                StreamEntry[] entries;
                try
                {
                    entries = await db.StreamReadAsync(key, position, 512);
                    if (entries.Length == 0 && (woken || position == "0-0") && !await db.KeyExistsAsync(key))
                    {
                        // A buffer always holds its start entry: none at all means no such request of this scope,
                        // and one that vanished under its watcher lost its instance before the end.
                        throw position == "0-0" ? WatchErrors.NotFound(requestId) : WatchErrors.Gone(requestId);
                    }
                }
                catch (RedisException)
                {
                    throw WatchErrors.StoreDown();
                }

                foreach (var entry in entries)
                {
                    position = entry.Id;
                    events.Clear();
                    var ended = WatchEntry.Read(entry, events, out var code);
                    foreach (var item in events)
                    {
                        if (item.Seq > afterSeq)
                        {
                            yield return item;
                        }
                    }

                    if (ended)
                    {
                        if (code is null)
                        {
                            yield break;
                        }

                        throw WatchErrors.Ended(requestId, code);
                    }
                }

                woken = entries.Length == 0;
                if (woken)
                {
                    if (!asked)
                    {
                        // Caught up: from now on the buffer's writer wakes this instance (and once at once, for what it
                        // wrote before the ask arrived).
                        asked = true;
                        _signals.Ask(key);
                    }

                    await wake.WaitAsync(cancellationToken);
                }
            }
        }
        finally
        {
            _signals.Release(key, signal);
        }
    }

    public async ValueTask<WatchTranscript> ReadAsync(string requestId, string scope, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        var key = WatchKeys.Stream(_prefix, scope, requestId);
        var events = new List<CompletionEvent>();
        RedisValue position = "0-0";
        while (true)
        {
            StreamEntry[] entries;
            try
            {
                entries = await db.StreamReadAsync(key, position, 512).WaitAsync(cancellationToken);
            }
            catch (RedisException)
            {
                throw WatchErrors.StoreDown();
            }

            if (entries.Length == 0)
            {
                return new WatchTranscript(events, Ended: false);
            }

            foreach (var entry in entries)
            {
                position = entry.Id;
                if (WatchEntry.Read(entry, events, out _))
                {
                    return new WatchTranscript(events, Ended: true);
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _housekeeping?.Dispose();
            _housekeeping = null;
        }

        _flushes.Dispose();
    }

    private RedisWatchWriter Writer(string requestId, string scope, bool continued)
    {
        EnsureHousekeeping();
        _signals.Listen();
        var writer = new RedisWatchWriter(
            _redis, this, _flushes, WatchKeys.Stream(_prefix, scope, requestId), continued, _options.WatchMaxLength, _options.WatchExpiry, _timeProvider, _logger);
        _writers.Add(writer);
        if (continued)
        {
            // Watchers of the dead instance's request asked it, not this one: they ask again now.
            _signals.AskAgain(writer.Key);
        }

        return writer;
    }

    /// <summary>The writer's request ended: its buffer's expiry is no longer refreshed.</summary>
    internal void Closed(RedisWatchWriter writer) => _writers.Closed(writer);

    /// <summary>Starts the one timer of this instance's buffers and watchers (at first use: registration has no side effects).</summary>
    private void EnsureHousekeeping()
    {
        if (Volatile.Read(ref _housekeeping) is not null)
        {
            return;
        }

        lock (_gate)
        {
            _housekeeping ??= _timeProvider.CreateTimer(static s => ((RedisWatchStore)s!).KeepHouse(), this, WatchKeys.Housekeeping, WatchKeys.Housekeeping);
        }
    }

    private void KeepHouse()
    {
        if (_signals.Count > 0 || _writers.Count > 0)
        {
            _signals.Listen();
        }

        _signals.Sweep();
        try
        {
            _writers.Sweep();
        }
        catch (RedisException ex)
        {
            _logger.LogWarning(ex, "Could not refresh the expiry of {Count} live watch buffers: Redis is unreachable", _writers.Count);
        }
    }
}
