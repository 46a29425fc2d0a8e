using System.Collections.Concurrent;
using StreamHub.Contracts;
using StreamHub.Identity;

namespace StreamHub.Streaming;

/// <summary>
/// Every request from the moment it is admitted for validation until it ends, by scope (<see cref="Caller.Scope"/>:
/// the tenant, or one anonymous connection) and id: what operators list and abort, what shutdown ends, what a
/// caller may end with <c>Abort</c>, and where a request's running figures live. A caller only ever meets its own
/// ids here: "already in flight", aborts and lookups never reach another scope's request of the same id.
/// </summary>
internal sealed class ActiveRequests(TimeProvider timeProvider)
{
    /// <summary>What the caller and watchers of a request its own tenant ended (hub <c>Abort</c>) are told.</summary>
    public const string EndedByTenant = "its tenant ended this request (Abort)";

    private readonly ConcurrentDictionary<RequestKey, ActiveRequest> _requests = new();

    public int Count => _requests.Count;

    /// <summary>Registers a request; an id the same scope already has in flight is the caller's mistake.</summary>
    /// <param name="resumeGrace">
    /// For a resumable request, how long it outlives its caller (so it can be picked up with Watch);
    /// null ends it as soon as the caller goes.
    /// </param>
    public ActiveRequest Register(CompletionRequest request, Caller caller, Priority priority, TimeSpan? resumeGrace, CancellationToken callerToken)
    {
        var active = new ActiveRequest(this, request.RequestId, caller, priority, timeProvider, resumeGrace, callerToken);
        if (!_requests.TryAdd(active.Key, active))
        {
            active.Dispose();
            throw new StreamHubException(
                ErrorCodes.InvalidRequest, $"requestId {request.RequestId} is already in flight; choose another or leave it out");
        }

        return active;
    }

    /// <summary>
    /// The invocation's token fires when the caller disposes its subscription and when its connection goes.
    /// Only a dropped connection earns a resumable request its grace (SignalR links the invocation's token to
    /// the connection's, so the connection's has fired first when that is why); a caller that cancels while
    /// connected is done with the request, which ends at once. Call it once the request is registered.
    /// </summary>
    public void EndOnCancel(RequestKey key, CancellationToken connectionAborted, CancellationToken cancellationToken)
    {
        if (Find(key, cancellationToken) is { } active)
        {
            cancellationToken.Register(() =>
            {
                if (!connectionAborted.IsCancellationRequested)
                {
                    active.CallerCancelled();
                }
            });
        }
    }

    public bool TryGet(RequestKey key, out ActiveRequest? request) => _requests.TryGetValue(key, out request);

    /// <summary>
    /// The request the call with <paramref name="callerToken"/> started, or null: the token tells it from a later
    /// request of the same tenant and id (this call's own was then refused, or has ended).
    /// </summary>
    public ActiveRequest? Find(RequestKey key, CancellationToken callerToken)
        => _requests.TryGetValue(key, out var active) && active.CallerToken == callerToken ? active : null;

    /// <summary>Every tenant's request with this id (what an operator who names no tenant may mean).</summary>
    public List<ActiveRequest> WithId(string requestId)
    {
        var found = new List<ActiveRequest>(1);
        foreach (var request in _requests.Values)
        {
            if (string.Equals(request.Id, requestId, StringComparison.Ordinal))
            {
                found.Add(request);
            }
        }

        return found;
    }

    /// <summary>Ends the tenant's request with <paramref name="code"/> (<c>aborted</c>, <c>shutting_down</c>).</summary>
    public bool TryAbort(RequestKey key, string code, string sentence)
        => _requests.TryGetValue(key, out var request) && request.Abort(code, sentence);

    /// <summary>Ends every request, e.g. when the host stops.</summary>
    public int AbortAll(string code, string sentence)
    {
        var count = 0;
        foreach (var request in _requests.Values)
        {
            if (request.Abort(code, sentence))
            {
                count++;
            }
        }

        return count;
    }

    public IReadOnlyList<ActiveRequest> List() => [.. _requests.Values];

    internal void Remove(ActiveRequest request) => _requests.TryRemove(new KeyValuePair<RequestKey, ActiveRequest>(request.Key, request));
}
