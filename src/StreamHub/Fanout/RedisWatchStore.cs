using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Watch buffers as one Redis Stream per request (<c>{prefix}:watch:{id}</c>, one entry per event encoded by
/// <see cref="WatchEntry"/>, trimmed to about <c>WatchMaxLength</c> entries, expiring <c>WatchExpiry</c> after
/// the end), readable from every instance; <c>{prefix}:watch:{id}:tenant</c> holds the owning tenant. Writers publish the request id on one notify channel; each instance wakes its own watchers,
/// and a short poll covers a lost notification.
/// </summary>
internal sealed class RedisWatchStore : IWatchStore
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan LiveExpiry = TimeSpan.FromHours(2);
    private static readonly RedisChannel NotifyChannel = RedisChannel.Literal("watch-notify");

    private readonly IConnectionMultiplexer _redis;
    private readonly FanoutOptions _options;
    private readonly string _prefix;
    private readonly ILogger<RedisWatchStore> _logger;
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);
    private int _subscribed;

    public RedisWatchStore(IConnectionMultiplexer redis, IOptions<FanoutOptions> options, IOptions<RedisSettings> settings, ILogger<RedisWatchStore> logger)
    {
        _redis = redis;
        _options = options.Value;
        _prefix = settings.Value.ChannelPrefix;
        _logger = logger;
    }

    public IWatchWriter Open(string requestId, string tenant)
    {
        var writer = new Writer(this, requestId);
        writer.Run(db => db.StringSet(TenantKey(requestId), tenant, LiveExpiry, flags: CommandFlags.FireAndForget));
        return writer;
    }

    public async IAsyncEnumerable<CompletionEvent> WatchAsync(
        string requestId, string tenant, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        RedisValue owner;
        try
        {
            await EnsureSubscribedAsync();
            owner = await db.StringGetAsync(TenantKey(requestId));
        }
        catch (RedisException)
        {
            throw WatchErrors.StoreDown();
        }

        if (owner.IsNull)
        {
            throw WatchErrors.NotFound(requestId);
        }

        if (owner != tenant)
        {
            throw WatchErrors.Forbidden(requestId);
        }

        var signal = _signals.AddOrUpdate(requestId, static _ => new Signal(), static (_, s) => s.AddRef());
        try
        {
            RedisValue position = "0-0";
            var key = StreamKey(requestId);
            while (true)
            {
                var wake = signal.Next;
                StreamEntry[] entries;
                try
                {
                    entries = await db.StreamReadAsync(key, position, 512);
                }
                catch (RedisException)
                {
                    throw WatchErrors.StoreDown();
                }

                foreach (var entry in entries)
                {
                    position = entry.Id;
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

                if (entries.Length == 0)
                {
                    try
                    {
                        await wake.WaitAsync(Poll, cancellationToken);
                    }
                    catch (TimeoutException)
                    {
                        // A notification can be lost while Redis reconnects: read again anyway.
                    }
                }
            }
        }
        finally
        {
            if (signal.Release())
            {
                _signals.TryRemove(new KeyValuePair<string, Signal>(requestId, signal));
            }
        }
    }

    public async ValueTask<WatchTranscript> ReadAsync(string requestId, CancellationToken cancellationToken)
    {
        var db = _redis.GetDatabase();
        var events = new List<CompletionEvent>();
        RedisValue position = "0-0";
        while (true)
        {
            StreamEntry[] entries;
            try
            {
                entries = await db.StreamReadAsync(StreamKey(requestId), position, 512).WaitAsync(cancellationToken);
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
                if (WatchEntry.IsEnd(entry, out _))
                {
                    return new WatchTranscript(events, Ended: true);
                }

                events.Add(WatchEntry.Decode(entry));
            }
        }
    }

    private async Task EnsureSubscribedAsync()
    {
        if (Volatile.Read(ref _subscribed) == 1)
        {
            return;
        }

        await _redis.GetSubscriber().SubscribeAsync(NotifyChannel, (_, message) =>
        {
            if (_signals.TryGetValue(message!, out var signal))
            {
                signal.Set();
            }
        });
        Volatile.Write(ref _subscribed, 1);
    }

    private RedisKey StreamKey(string requestId) => $"{_prefix}:watch:{requestId}";

    private RedisKey TenantKey(string requestId) => $"{_prefix}:watch:{requestId}:tenant";

    /// <summary>Writes one request's events; a Redis failure stops its writes (logged once), never the stream.</summary>
    private sealed class Writer(RedisWatchStore store, string requestId) : IWatchWriter
    {
        private bool _broken;

        public void Append(CompletionEvent item) => Run(db =>
        {
            db.StreamAdd(
                store.StreamKey(requestId),
                WatchEntry.Encode(item),
                maxLength: store._options.WatchMaxLength,
                useApproximateMaxLength: true,
                flags: CommandFlags.FireAndForget);
            store._redis.GetSubscriber().Publish(NotifyChannel, requestId, CommandFlags.FireAndForget);
        });

        public void Complete(string? code) => Run(db =>
        {
            var key = store.StreamKey(requestId);
            db.StreamAdd(key, WatchEntry.EndOf(code), flags: CommandFlags.FireAndForget);
            db.KeyExpire(key, store._options.WatchExpiry, CommandFlags.FireAndForget);
            db.KeyExpire(store.TenantKey(requestId), store._options.WatchExpiry, CommandFlags.FireAndForget);
            store._redis.GetSubscriber().Publish(NotifyChannel, requestId, CommandFlags.FireAndForget);
        });

        public void Run(Action<IDatabase> write)
        {
            if (_broken)
            {
                return;
            }

            try
            {
                write(store._redis.GetDatabase());
            }
            catch (RedisException ex)
            {
                _broken = true;
                store._logger.LogWarning(ex, "Watch buffer of {RequestId} stopped: Redis is unreachable", requestId);
            }
        }
    }

    /// <summary>Wakes the watchers of one request on this instance.</summary>
    private sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _refs = 1;

        public Task Next => Volatile.Read(ref _next).Task;

        public Signal AddRef()
        {
            Interlocked.Increment(ref _refs);
            return this;
        }

        public bool Release() => Interlocked.Decrement(ref _refs) == 0;

        public void Set() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
