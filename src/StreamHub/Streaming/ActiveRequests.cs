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
