using System.Collections.Concurrent;
using StreamHub.Contracts;
using StreamHub.Identity;

namespace StreamHub.Streaming;

/// <summary>
/// Every request from the moment it is admitted for validation until it ends, by id: what operators list
/// and abort, what shutdown ends, and where a request's running figures live.
/// </summary>
internal sealed class ActiveRequests(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<string, ActiveRequest> _requests = new(StringComparer.Ordinal);

    public int Count => _requests.Count;

    /// <summary>Registers a request; a request id already in flight is the caller's mistake.</summary>
    /// <param name="resumeGrace">
    /// For a resumable request, how long it outlives its caller (so it can be picked up with Watch);
    /// null ends it as soon as the caller goes.
    /// </param>
    public ActiveRequest Register(CompletionRequest request, Caller caller, Priority priority, TimeSpan? resumeGrace, CancellationToken callerToken)
    {
        var active = new ActiveRequest(this, request.RequestId, caller.Tenant, priority, timeProvider, resumeGrace, callerToken);
        if (!_requests.TryAdd(request.RequestId, active))
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
    public void EndOnCancel(string requestId, CancellationToken connectionAborted, CancellationToken cancellationToken)
    {
        // The token check skips another caller's request of the same id (this call's was then refused).
        if (_requests.TryGetValue(requestId, out var active) && active.CallerToken == cancellationToken)
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

    public bool TryGet(string requestId, out ActiveRequest? request) => _requests.TryGetValue(requestId, out request);

    /// <summary>Ends a request with <paramref name="code"/> (<c>aborted</c>, <c>shutting_down</c>).</summary>
    public bool TryAbort(string requestId, string code, string sentence)
        => _requests.TryGetValue(requestId, out var request) && request.Abort(code, sentence);

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

    internal void Remove(ActiveRequest request) => _requests.TryRemove(new KeyValuePair<string, ActiveRequest>(request.Id, request));
}
