namespace StreamHub.Client;

/// <summary>
/// The codes a <see cref="StreamHubException"/> carries: the hub contract's stable codes, plus
/// <see cref="ConnectionLost"/>, which the client itself raises when it cannot reach StreamHub.
/// </summary>
public static class StreamHubErrorCodes
{
    /// <summary>The request is malformed or names something unknown; the sentence says what to fix.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>No API key or token, or one StreamHub does not know.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>The caller's identity may not do this (another tenant's request, a model it may not use).</summary>
    public const string Forbidden = "forbidden";

    /// <summary>A tenant limit was reached; <see cref="StreamHubException.RetryAfter"/> says when to try again.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>The queue of the request's priority is full.</summary>
    public const string QueueFull = "queue_full";

    /// <summary>The request waited in the queue longer than StreamHub allows.</summary>
    public const string QueueTimeout = "queue_timeout";

    /// <summary>No upstream region could take the request.</summary>
    public const string UpstreamUnavailable = "upstream_unavailable";

    /// <summary>The upstream answered with an error.</summary>
    public const string UpstreamError = "upstream_error";

    /// <summary>The upstream did not answer (or went silent) in time.</summary>
    public const string UpstreamTimeout = "upstream_timeout";

    /// <summary>The upstream stream broke after the answer had begun.</summary>
    public const string UpstreamInterrupted = "upstream_interrupted";

    /// <summary>An operator (or a safety limit) ended the request.</summary>
    public const string Aborted = "aborted";

    /// <summary>The StreamHub instance is stopping; try again (another instance will answer).</summary>
    public const string ShuttingDown = "shutting_down";

    /// <summary>
    /// Client-side, not from the hub: StreamHub could not be reached, or the connection dropped and could not be
    /// restored (or the request was not resumable) within <see cref="StreamHubClientOptions.ReconnectDelays"/>.
    /// </summary>
    public const string ConnectionLost = "connection_lost";

    /// <summary>The hub's codes, in contract order.</summary>
    public static IReadOnlyList<string> Contract { get; } =
    [
        InvalidRequest, Unauthorized, Forbidden, RateLimited, QueueFull, QueueTimeout, UpstreamUnavailable,
        UpstreamError, UpstreamTimeout, UpstreamInterrupted, Aborted, ShuttingDown,
    ];
}
