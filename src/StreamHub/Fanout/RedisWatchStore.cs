using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Watch buffers as one Redis Stream per request (<see cref="WatchKeys"/>: <c>{prefix}:watch:{scope}:{id}</c>, one
/// entry per event encoded by <see cref="WatchEntry"/>, trimmed to about <c>WatchMaxLength</c> entries), readable
/// from every instance. Every key expires: <see cref="WatchKeys.LiveExpiry"/> after its instance last refreshed it
/// while the request runs, <c>WatchExpiry</c> after the end, so an instance that dies leaves nothing behind for long.
/// Idle watchers cost Redis nothing: writers publish on one notify channel (<see cref="WatchSignals"/>), and one
/// timer per instance refreshes the live buffers' expiry and wakes every watcher once (covering a notification lost
/// while Redis reconnected) instead of a poll per watcher.
/// </summary>
internal sealed class RedisWatchStore : IWatchStore, IDisposable
{
    private readonly IConnectionMultiplexer _redis;
    private readonly FanoutOptions _options;
    private readonly string _prefix;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisWatchStore> _logger;
    private readonly WatchSignals _signals;
    private readonly ConcurrentDictionary<RedisWatchWriter, byte> _live = new();
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
        _signals = new WatchSignals(redis);
    }

    /// <summary>Buffers this instance's watchers wait on.</summary>
    internal int WatchedBuffers => _signals.Count;

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
                    if (WatchEntry.IsStart(entry))
                    {
                        continue;
                    }

                    if (WatchEntry.IsEnd(entry, out var code))
                    {
                        if (code is null)
                        {
                            yield break;
                        }

                        throw WatchErrors.Ended(requestId, code);
                    }

                    var item = WatchEntry.Decode(entry);
                    if (item.Seq > afterSeq)
                    {
                        yield return item;
                    }
                }

                woken = entries.Length == 0;
                if (woken)
                {
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
                if (WatchEntry.IsStart(entry))
                {
                    continue;
                }

                if (WatchEntry.IsEnd(entry, out _))
                {
                    return new WatchTranscript(events, Ended: true);
                }

                events.Add(WatchEntry.Decode(entry));
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
    }

    private RedisWatchWriter Writer(string requestId, string scope, bool continued)
    {
        EnsureHousekeeping();
        var writer = new RedisWatchWriter(
            _redis, this, WatchKeys.Stream(_prefix, scope, requestId), continued, _options.WatchMaxLength, _options.WatchExpiry, _logger);
        _live.TryAdd(writer, 0);
        return writer;
    }

    /// <summary>The writer's request ended: its buffer's expiry is no longer refreshed.</summary>
    internal void Closed(RedisWatchWriter writer) => _live.TryRemove(writer, out _);

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
        _signals.WakeAll();
        if (_live.IsEmpty)
        {
            return;
        }

        try
        {
            var db = _redis.GetDatabase();
            foreach (var writer in _live.Keys)
            {
                writer.Refresh(db);
            }
        }
        catch (RedisException ex)
        {
            _logger.LogWarning(ex, "Could not refresh the expiry of {Count} live watch buffers: Redis is unreachable", _live.Count);
        }
    }
}
