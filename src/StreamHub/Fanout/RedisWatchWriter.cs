using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Writes one request's Redis Stream. Opening replaces the scope's earlier buffer of the same id and gives the
/// new one its expiry in one transaction, so the key never exists without one (a survivor's continuation keeps
/// what the buffer holds, adding a start entry that readers skip, which re-creates a buffer that is gone). Events are batched: the ones that
/// arrive within <see cref="WatchKeys.FlushDelay"/> of the first go out as one entry (one <c>XADD</c>, on the instance's one flush clock, <see cref="WatchFlushQueue"/>), none while
/// the request is idle, and the end goes out at once with whatever is pending. Appends never re-create a key that
/// is gone (<c>NOMKSTREAM</c>); the store refreshes the expiry while the request lives. After each write it wakes
/// only the instances that asked for this buffer (<see cref="Watched"/>), so a request nobody watches costs one
/// command per flush. A Redis failure stops this buffer's writes (logged once), never the stream.
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
    private readonly IServer? _direct;
    private readonly Lock _gate = new();
    private readonly List<NameValueEntry> _pending = new(8);
    private readonly WatchFlushQueue _flushes;
    private readonly WatcherLeases _watchers;
    private long _events;
    private long _entries;
    private bool _armed;
    private bool _broken;
    private bool _ended;

    /// <param name="continued">Write on after what the buffer holds (a survivor's continuation) instead of replacing it.</param>
    public RedisWatchWriter(
        IConnectionMultiplexer redis,
        RedisWatchStore store,
        WatchFlushQueue flushes,
        string key,
        bool continued,
        int maxLength,
        TimeSpan expiry,
        TimeProvider time,
        ILogger logger)
    {
        _redis = redis;
        _store = store;
        _key = key;
        _notice = key;
        _maxLength = maxLength;
        _expiry = expiry;
        _flushes = flushes;
        _logger = logger;
        _watchers = new WatcherLeases(time);
        _direct = store.DirectServer;
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
        });
    }

    public string Key => (string)_key!;

    public void Append(CompletionEvent item)
    {
        lock (_gate)
        {
            if (_ended || _broken)
            {
                return;
            }

            WatchEntry.AddTo(_pending, item);
            _events++;
            if (!_armed)
            {
                _armed = true;
                _flushes.Schedule(this);
            }
        }
    }

    public void Complete(string? code) => End(code ?? "", discard: false);

    public void Discard(string code) => End(code, discard: true);

    /// <summary>Gives the live buffer its expiry again (the store calls it while the request runs).</summary>
    public void Refresh(IDatabase db) => db.KeyExpire(_key, WatchKeys.LiveExpiry, CommandFlags.FireAndForget);

    /// <summary>
    /// <paramref name="instance"/> has watchers of this buffer: wake it after each write until its lease runs out, and
    /// once now when it is new (or the end already went out), so an entry written before it asked is never missed.
    /// </summary>
    public void Watched(string instance)
    {
        lock (_gate)
        {
            var fresh = _watchers.Renew(instance);
            if (fresh is not null || _ended)
            {
                var wake = fresh ?? WatchKeys.Wake(instance);
                Run(_ => _redis.GetSubscriber().Publish(wake, _notice, CommandFlags.FireAndForget));
            }
        }
    }

    /// <summary>Sends the batch pending since the first event's <see cref="WatchFlushQueue.Schedule"/> (the queue calls it).</summary>
    internal void Flush()
    {
        lock (_gate)
        {
            _armed = false;
            if (!_ended && _pending.Count > 0)
            {
                Write(db => Add(db, _pending));
            }
        }
    }

    private void End(string code, bool discard)
    {
        lock (_gate)
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            Write(db =>
            {
                if (discard)
                {
                    // Refused before it ran: nothing stays for anyone to watch.
                    db.KeyDelete(_key, CommandFlags.FireAndForget);
                    return;
                }

                _pending.Add(WatchEntry.EndField(code));
                Add(db, _pending);
                db.KeyExpire(_key, _expiry, CommandFlags.FireAndForget);
            });
        }

        _store.Closed(this);
    }

    /// <summary>Runs <paramref name="write"/> with the pending events (under the lock, so entries leave in order), then wakes the watchers.</summary>
    private void Write(Action<IDatabase> write)
    {
        Run(db =>
        {
            write(db);
            _entries++;
            _watchers.Wake(_redis.GetSubscriber(), _notice);
        });
        _pending.Clear();
    }

    /// <summary>
    /// <c>XADD ... NOMKSTREAM</c>, which the client's typed API lacks: sent as a command it does not know, after which it
    /// no longer knows the connection's database and sends a <c>SELECT</c> before the next command on one, a second
    /// command per flush. Sent to the server instead (no database) where the store says that is the same thing.
    /// </summary>
    private void Add(IDatabase db, List<NameValueEntry> fields)
    {
        var args = WatchEntry.AddArguments(_key, MaxEntries(), fields);
        if (_direct is not null)
        {
            _direct.Execute("XADD", args, CommandFlags.FireAndForget);
        }
        else
        {
            db.Execute("XADD", args, CommandFlags.FireAndForget);
        }
    }

    /// <summary>
    /// The entries that keep about <c>WatchMaxLength</c> events: an entry holds the events of one flush, so the
    /// stream's length limit follows the request's own events per entry.
    /// </summary>
    private long MaxEntries() => Math.Max(1, (long)Math.Ceiling((double)_maxLength * (_entries + 1) / Math.Max(1, _events)));

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
