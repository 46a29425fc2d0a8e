using System.Collections.Concurrent;
using StackExchange.Redis;

namespace StreamHub.Fanout;

/// <summary>
/// The watch buffers this instance writes, by key: the ones to keep alive (their expiry refreshed at each sweep), and
/// where another instance's ask lands (<see cref="Asked"/>). A buffer that ended here lately is remembered for one
/// more sweep, so a watcher whose ask crossed the end is still woken once to read it.
/// </summary>
internal sealed class WatchWriters(IConnectionMultiplexer redis, ILogger logger)
{
    private readonly ConcurrentDictionary<string, RedisWatchWriter> _live = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _ended = new(StringComparer.Ordinal);
    private long _sweeps;
    private IServer[]? _direct;

    public int Count => _live.Count;

    /// <summary>
    /// The one Redis server, when commands sent to it without a database land in the buffers' database: one endpoint,
    /// and database 0, the one a connection starts on (this app never selects another on it). Null otherwise: then
    /// appends go through the database, one <c>SELECT</c> each (<see cref="RedisWatchWriter"/>).
    /// </summary>
    internal IServer? DirectServer
    {
        get
        {
            if (_direct is null)
            {
                var endpoints = redis.GetEndPoints();
                _direct = endpoints.Length == 1 && redis.GetDatabase().Database == 0 ? [redis.GetServer(endpoints[0])] : [];
            }

            return _direct is [var server] ? server : null;
        }
    }

    public void Add(RedisWatchWriter writer)
    {
        _live[writer.Key] = writer;
        _ended.TryRemove(writer.Key, out _);
    }

    /// <summary>The writer's request ended: its buffer's expiry is no longer refreshed.</summary>
    public void Closed(RedisWatchWriter writer)
    {
        _ended[writer.Key] = Volatile.Read(ref _sweeps);
        _live.TryRemove(KeyValuePair.Create(writer.Key, writer));
    }

    /// <summary><paramref name="instance"/> has watchers of <paramref name="key"/>: if it is written here, its writer wakes them.</summary>
    public void Asked(string instance, string key)
    {
        if (_live.TryGetValue(key, out var writer))
        {
            writer.Watched(instance);
            return;
        }

        if (_ended.ContainsKey(key))
        {
            try
            {
                // The end went out before the ask arrived: wake the asker once, it reads the end.
                redis.GetSubscriber().Publish(WatchKeys.Wake(instance), key, CommandFlags.FireAndForget);
            }
            catch (RedisException ex)
            {
                logger.LogDebug(ex, "Could not wake the watchers of {Key} on {Instance}: Redis is unreachable (their sweep covers it)", key, instance);
            }
        }
    }

    /// <summary>Refreshes the live buffers' expiry and forgets the ones that ended before the last sweep; throws a <see cref="RedisException"/> while Redis is away.</summary>
    public void Sweep()
    {
        var sweep = Interlocked.Increment(ref _sweeps);
        foreach (var (key, ended) in _ended)
        {
            if (ended < sweep - 1)
            {
                _ended.TryRemove(KeyValuePair.Create(key, ended));
            }
        }

        if (_live.IsEmpty)
        {
            return;
        }

        var db = redis.GetDatabase();
        foreach (var writer in _live.Values)
        {
            writer.Refresh(db);
        }
    }
}
