namespace StreamHub.Fanout;

/// <summary>
/// Carries group messages to every instance that has members of the group: in process for one instance, a Redis
/// channel per group when several share Redis. Fan-out publishes; the hub's folder listens for the groups its
/// connections joined and hands each message to its members (so Fanout needs to know neither the hub nor its
/// clients).
/// </summary>
internal interface IGroupRelay
{
    /// <summary>Sends <paramref name="message"/> to the members of the tenant-scoped <paramref name="scopedGroup"/> on every instance.</summary>
    Task PublishAsync(string scopedGroup, GroupMessage message);

    /// <summary>
    /// Starts receiving <paramref name="scopedGroup"/>'s messages on this instance, in the order they were published;
    /// <paramref name="deliver"/> must not block. Disposing the result stops it. A coded failure
    /// (<c>upstream_unavailable</c>) when the relay cannot listen now.
    /// </summary>
    Task<IAsyncDisposable> ListenAsync(string scopedGroup, Action<GroupMessage> deliver);
}
