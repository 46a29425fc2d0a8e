using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Carries a tenant's <c>Abort(requestId)</c> to the instance that runs the request: nothing to carry on one
/// instance, a Redis channel when several share Redis. It names the tenant with the id, so it only ever reaches
/// that tenant's request of that id.
/// </summary>
internal interface IAbortRelay
{
    /// <summary>
    /// Asks the other instances to end <paramref name="key"/>; true when such a request is running somewhere (as its
    /// watch buffer shows), false when none is known.
    /// </summary>
    Task<bool> RelayAsync(RequestKey key);

    /// <summary>Starts hearing other instances' aborts: <paramref name="abort"/> ends this instance's request of that key, if any.</summary>
    void Listen(Func<RequestKey, bool> abort);

    /// <summary>Stops hearing them (the host stops).</summary>
    void Stop();
}
