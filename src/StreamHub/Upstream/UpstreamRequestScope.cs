namespace StreamHub.Upstream;

/// <summary>
/// What one request's streams share, the first and every continuation: the caller's token and the
/// <c>Upstream:Timeouts:Total</c> limit, linked.
/// </summary>
internal sealed class UpstreamRequestScope : IDisposable
{
    private readonly CancellationTokenSource _total;
    private readonly CancellationTokenSource _linked;

    public UpstreamRequestScope(TimeSpan total, TimeProvider timeProvider, CancellationToken callerToken)
    {
        CallerToken = callerToken;
        _total = new CancellationTokenSource(total, timeProvider);
        _linked = CancellationTokenSource.CreateLinkedTokenSource(callerToken, _total.Token);
    }

    public CancellationToken CallerToken { get; }

    /// <summary>Cancelled when the caller cancels or the total limit passes.</summary>
    public CancellationToken Token => _linked.Token;

    /// <summary>The total limit has passed.</summary>
    public bool TotalElapsed => _total.IsCancellationRequested;

    /// <summary>The total limit, not the caller, ended the request.</summary>
    public bool TimedOut => _total.IsCancellationRequested && !CallerToken.IsCancellationRequested;

    public void Dispose()
    {
        _linked.Dispose();
        _total.Dispose();
    }
}
