using StackExchange.Redis;

namespace StreamHub.Fanout;

/// <summary>
/// Where watch buffers live in Redis: one Redis Stream per request at <c>{prefix}:watch:{scope}:{requestId}</c>.
/// The scope (a tenant, or one anonymous connection) is part of the key, so two scopes' requests of the same id
/// never share a buffer; a request id holds no ':' (<c>[A-Za-z0-9_-]</c>), so the last ':' always separates the id
/// from the scope (an anonymous scope holds one itself).
/// </summary>
internal static class WatchKeys
{
    /// <summary>
    /// Where an instance with watchers of a buffer says so (message: <c>{instance} {key}</c>); every instance listens and the
    /// one writing that buffer starts waking the asker. The multiplexer adds the prefix.
    /// </summary>
    public static readonly RedisChannel Ask = RedisChannel.Literal("watch-ask");

    /// <summary>How long a live request's buffer outlives the last refresh by its instance.</summary>
    public static readonly TimeSpan LiveExpiry = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often an instance refreshes its live buffers' expiry, asks again for the buffers its watchers wait on, and
    /// wakes its idle watchers once (the sweep that covers a wake or an ask lost while Redis reconnected).
    /// </summary>
    public static readonly TimeSpan Housekeeping = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest an event waits in its writer before it goes to Redis: a writer sends the events that arrived
    /// meanwhile as one entry (one <c>XADD</c>) this long after the first of them, and the end at once. How far a
    /// watcher may lag the caller because of batching.
    /// </summary>
    public static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(100);

    /// <summary>How long a writer keeps waking an instance after it last asked (it asks every <see cref="Housekeeping"/>).</summary>
    public static readonly TimeSpan WatcherLease = 3 * Housekeeping;

    public static string Stream(string prefix, string scope, string requestId) => $"{prefix}:watch:{scope}:{requestId}";

    /// <summary>Where writers wake one instance's watchers (message: the buffer's key).</summary>
    public static RedisChannel Wake(string instance) => RedisChannel.Literal("watch-wake:" + instance);
}
