using System.Collections.Concurrent;
using StreamHub.Admission;
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
    public ActiveRequest Register(CompletionRequest request, Caller caller, Priority priority, CancellationToken callerToken)
    {
        var active = new ActiveRequest(this, request.RequestId, caller.Tenant, priority, timeProvider.GetUtcNow(), callerToken);
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

/// <summary>One request in flight. Its token fires when the caller goes away or an operator aborts it.</summary>
internal sealed class ActiveRequest : IDisposable
{
    private readonly ActiveRequests _owner;
    private readonly CancellationTokenSource _cancel;
    private StreamHubException? _abortReason;
    private long _tokens;
    private int _disposed;

    internal ActiveRequest(ActiveRequests owner, string id, string tenant, Priority priority, DateTimeOffset createdAt, CancellationToken callerToken)
    {
        _owner = owner;
        Id = id;
        Tenant = tenant;
        Priority = priority;
        CreatedAt = createdAt;
        _cancel = CancellationTokenSource.CreateLinkedTokenSource(callerToken);
    }

    public string Id { get; }

    public string Tenant { get; }

    public Priority Priority { get; }

    public DateTimeOffset CreatedAt { get; }

    public string? Region { get; set; }

    public bool Started => Region is not null;

    public long Tokens => Interlocked.Read(ref _tokens);

    /// <summary>Fires on caller cancel, disconnect, operator abort or shutdown.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Why an operator or shutdown ended it; null while it runs or when the caller left.</summary>
    public StreamHubException? AbortReason => Volatile.Read(ref _abortReason);

    public void CountToken() => Interlocked.Increment(ref _tokens);

    public bool Abort(string code, string sentence)
    {
        if (Interlocked.CompareExchange(ref _abortReason, new StreamHubException(code, sentence), null) is not null)
        {
            return false;
        }

        try
        {
            _cancel.Cancel();
        }
        catch (ObjectDisposedException)
        {
            return false;
        }

        return true;
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _owner.Remove(this);
            _cancel.Dispose();
        }
    }
}
