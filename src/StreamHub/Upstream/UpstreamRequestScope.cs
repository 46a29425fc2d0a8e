namespace StreamHub.Upstream;

/// <summary>
/// What one request's streams share, the first and every continuation: the caller's token and the
/// <c>Upstream:Timeouts:Total</c> limit, linked, and the regions the request has already failed on.
/// </summary>
internal sealed class UpstreamRequestScope : IDisposable
{
    private readonly CancellationTokenSource _total;
    private readonly CancellationTokenSource _linked;

    // Regions charged with a failure of this request; hedges may fail at once, so it is guarded.
    private readonly List<UpstreamRegion> _charged = new(1);

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

    /// <summary>
    /// Tells the region of a failure that is its fault, before the first token or after it. The breaker counts
    /// one failure per request and region however often the request tried there (retries, hedges,
    /// continuations): a single request, one bad prompt, cannot take a region out of service, while as many
    /// failing requests as <c>FailureThreshold</c> still open it.
    /// </summary>
    public void RecordFailure(UpstreamRegion region, string error)
    {
        bool first;
        lock (_charged)
        {
            first = !_charged.Contains(region);
            if (first)
            {
                _charged.Add(region);
            }
        }

        region.RecordFailure(error, counts: first);
    }

    public void Dispose()
    {
        _linked.Dispose();
        _total.Dispose();
    }
}
