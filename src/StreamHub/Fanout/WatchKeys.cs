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
    /// <summary>Where writers say "this buffer grew" (the message is the buffer's key); the multiplexer adds the prefix.</summary>
    public static readonly RedisChannel Notify = RedisChannel.Literal("watch-notify");

    /// <summary>How long a live request's buffer outlives the last refresh by its instance.</summary>
    public static readonly TimeSpan LiveExpiry = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How often an instance refreshes its live buffers' expiry and wakes its idle watchers once (the sweep that
    /// covers a notification lost while Redis reconnected).
    /// </summary>
    public static readonly TimeSpan Housekeeping = TimeSpan.FromSeconds(10);

    public static string Stream(string prefix, string scope, string requestId) => $"{prefix}:watch:{scope}:{requestId}";
}
