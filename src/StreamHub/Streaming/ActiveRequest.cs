using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Identity;

namespace StreamHub.Streaming;

/// <summary>
/// One request in flight. Its token fires when an operator or shutdown aborts it, and when the caller goes
/// away: at once, or <see cref="ResumeGrace"/> later for a resumable request.
/// </summary>
internal sealed class ActiveRequest : IDisposable
{
    private readonly ActiveRequests _owner;
    private readonly CancellationTokenSource _cancel;
    private readonly CancellationTokenRegistration _callerGone;
    private readonly TimeProvider _timeProvider;
    private long _admittedAt;
    private StreamHubException? _abortReason;
    private int _callerLeft;
    private int _disposed;

    internal ActiveRequest(
        ActiveRequests owner,
        string id,
        Caller caller,
        Priority priority,
        TimeProvider timeProvider,
        TimeSpan? resumeGrace,
        CancellationToken callerToken)
    {
        _owner = owner;
        Id = id;
        Tenant = caller.Tenant;
        Scope = caller.Scope;
        LimitKey = caller.LimitKey;
        Priority = priority;
        CreatedAt = timeProvider.GetUtcNow();
        _timeProvider = timeProvider;
        _cancel = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        ResumeGrace = resumeGrace ?? TimeSpan.Zero;
        CallerToken = callerToken;

        _callerGone = callerToken.Register(static s => ((ActiveRequest)s!).CallerLeft(), this);
    }

    /// <summary>How long the request outlives its caller (zero unless resumable).</summary>
    public TimeSpan ResumeGrace { get; }

    public string Id { get; }

    /// <summary>Scope and id: what names it among the requests in flight.</summary>
    public RequestKey Key => new(Scope, Id);

    /// <summary>The token of the call that started it: tells this request from another one with the same id.</summary>
    public CancellationToken CallerToken { get; }

    /// <summary>The name operators see: the tenant, or "anonymous".</summary>
    public string Tenant { get; }

    /// <summary>What owns the id (<see cref="Caller.Scope"/>): the tenant, or one anonymous connection.</summary>
    public string Scope { get; }

    /// <summary>What its limits and its place in the admission queue count against (<see cref="Caller.LimitKey"/>).</summary>
    public string LimitKey { get; }

    public Priority Priority { get; }

    public DateTimeOffset CreatedAt { get; }

    public string? Region { get; set; }

    /// <summary>How long ago admission let it start (what <c>Upstream:Timeouts:Total</c> counts); null while it waits.</summary>
    public TimeSpan? SinceAdmitted
        => Volatile.Read(ref _admittedAt) is var at and not 0 ? _timeProvider.GetElapsedTime(at) : null;

    /// <summary>Admission let it start: its upstream's total limit runs from now.</summary>
    public void Admitted() => Volatile.Write(ref _admittedAt, _timeProvider.GetTimestamp());

    public bool Started => Region is not null;

    /// <summary>Events delivered so far (nearly all of them tokens): the fan-out numbers every event, so it is read from there.</summary>
    public long Tokens => Fanout?.Seq ?? 0;

    /// <summary>The request's fan-out, set once the pipeline starts it.</summary>
    public FanoutSession? Fanout { get; set; }

    /// <summary>Fires on caller cancel, disconnect, operator abort or shutdown.</summary>
    public CancellationToken Token => _cancel.Token;

    /// <summary>Why an operator or shutdown ended it; null while it runs or when the caller left.</summary>
    public StreamHubException? AbortReason => Volatile.Read(ref _abortReason);

    /// <summary>
    /// The caller went away (its token fired, or it stopped reading): the request ends at once, or after the
    /// grace of a resumable request. Only the first call counts, so a second one never extends the grace.
    /// </summary>
    public void CallerLeft()
    {
        if (Interlocked.Exchange(ref _callerLeft, 1) == 0)
        {
            CancelAfter(ResumeGrace);
        }
    }

    /// <summary>
    /// The caller cancelled on purpose while still connected (it disposed its subscription): the request ends
    /// at once, resumable or not. The grace is for a dropped connection, not for a caller that is done.
    /// </summary>
    public void CallerCancelled()
    {
        Interlocked.Exchange(ref _callerLeft, 1);
        CancelAfter(TimeSpan.Zero);
    }

    private void CancelAfter(TimeSpan delay)
    {
        try
        {
            if (delay <= TimeSpan.Zero)
            {
                _cancel.Cancel();
            }
            else
            {
                _cancel.CancelAfter(delay);
            }
        }
        catch (ObjectDisposedException)
        {
            // The request already ended.
        }
    }

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
            _callerGone.Dispose();
            _cancel.Dispose();
        }
    }
}
