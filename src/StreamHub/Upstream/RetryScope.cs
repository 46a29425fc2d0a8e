namespace StreamHub.Upstream;

/// <summary>Where another attempt may still help after a failure before the first token.</summary>
internal enum RetryScope
{
    /// <summary>No attempt can help: a rejected request, refused credentials, no region available.</summary>
    None,

    /// <summary>Any region, this one included, after the upstream's <c>Retry-After</c> or the backoff.</summary>
    AnyRegion,

    /// <summary>
    /// The region asked for a wait longer than <c>Upstream:Retry:MaxRetryAfter</c>: it is not retried, but a
    /// region the request has not tried yet may take it at once.
    /// </summary>
    UntriedRegion,
}
