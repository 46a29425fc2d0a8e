namespace StreamHub.Admission;

/// <summary>
/// Per-tenant requests per minute, tokens per minute and concurrent streams, checked before a request queues
/// for the pool: <see cref="TenantLimits"/> in one process, <c>ClusterTenantLimits</c> across a cluster.
/// </summary>
internal interface ITenantLimits
{
    /// <summary>
    /// Takes one request (and <paramref name="estimatedTokens"/> tokens, and a concurrency slot) from the tenant's
    /// budget, or throws a <c>rate_limited</c> <see cref="Contracts.StreamHubException"/> saying when to try again.
    /// Nothing is charged on rejection. Dispose the lease when the stream ends.
    /// </summary>
    ValueTask<ITenantLease> AcquireAsync(string tenant, TenantLimitSettings limits, int estimatedTokens, CancellationToken cancellationToken);
}
