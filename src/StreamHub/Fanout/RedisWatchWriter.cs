using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Writes one request's Redis Stream. Opening replaces the scope's earlier buffer of the same id and gives the
/// new one its expiry in one transaction, so the key never exists without one (a survivor's continuation keeps
/// what the buffer holds, adding a start entry that readers skip, which re-creates a buffer that is gone); appends never re-create a key
/// that is gone (<c>NOMKSTREAM</c>); the store refreshes the expiry while the request lives. A Redis failure
/// stops this buffer's writes (logged once), never the stream.
/// </summary>
internal sealed class RedisWatchWriter : IWatchWriter
{
    private readonly IConnectionMultiplexer _redis;
    private readonly RedisWatchStore _store;
    private readonly RedisKey _key;
    private readonly RedisValue _notice;
    private readonly int _maxLength;
    private readonly TimeSpan _expiry;
    private readonly ILogger _logger;
    private bool _broken;
    private int _ended;

    /// <param name="continued">Write on after what the buffer holds (a survivor's continuation) instead of replacing it.</param>
    public RedisWatchWriter(
        IConnectionMultiplexer redis, RedisWatchStore store, string key, bool continued, int maxLength, TimeSpan expiry, ILogger logger)
    {
        _redis = redis;
        _store = store;
        _key = key;
        _notice = key;
        _maxLength = maxLength;
        _expiry = expiry;
        _logger = logger;
        Run(db =>
        {
            var open = db.CreateTransaction();
            if (!continued)
            {
                _ = open.KeyDeleteAsync(_key);
            }

            _ = open.StreamAddAsync(_key, WatchEntry.StartOf());
            _ = open.KeyExpireAsync(_key, WatchKeys.LiveExpiry);
            open.Execute(CommandFlags.FireAndForget);
            Notify();
        });
    }

    public RedisKey Key => _key;

    public void Append(CompletionEvent item) => Run(db =>
    {
        db.Execute("XADD", WatchEntry.AddArguments(_key, _maxLength, WatchEntry.Encode(item)), CommandFlags.FireAndForget);
        Notify();
    });

    public void Complete(string? code) => End(code ?? "", discard: false);

    public void Discard(string code) => End(code, discard: true);

    /// <summary>Gives the live buffer its expiry again (the store calls it while the request runs).</summary>
    public void Refresh(IDatabase db) => db.KeyExpire(_key, WatchKeys.LiveExpiry, CommandFlags.FireAndForget);

    private void End(string code, bool discard)
    {
        if (Interlocked.Exchange(ref _ended, 1) == 1)
        {
            return;
        }

        _store.Closed(this);
        Run(db =>
        {
            if (discard)
            {
                // Refused before it ran: nothing stays for anyone to watch.
                db.KeyDelete(_key, CommandFlags.FireAndForget);
            }
            else
            {
                db.Execute("XADD", WatchEntry.AddArguments(_key, _maxLength, WatchEntry.EndOf(code)), CommandFlags.FireAndForget);
                db.KeyExpire(_key, _expiry, CommandFlags.FireAndForget);
            }

            Notify();
        });
    }

    private void Notify() => _redis.GetSubscriber().Publish(WatchKeys.Notify, _notice, CommandFlags.FireAndForget);

    private void Run(Action<IDatabase> write)
    {
        if (_broken)
        {
            return;
        }

        try
        {
            write(_redis.GetDatabase());
        }
        catch (RedisException ex)
        {
            _broken = true;
            _logger.LogWarning(ex, "Watch buffer {Key} stopped: Redis is unreachable", (string?)_key);
        }
    }
}
