namespace StreamHub.Streaming;

/// <summary>The stable error codes of the hub contract; a hub error's message is "code: sentence".</summary>
public static class ErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string Unauthorized = "unauthorized";
    public const string Forbidden = "forbidden";
    public const string RateLimited = "rate_limited";
    public const string QueueFull = "queue_full";
    public const string QueueTimeout = "queue_timeout";
    public const string UpstreamUnavailable = "upstream_unavailable";
    public const string UpstreamError = "upstream_error";
    public const string UpstreamTimeout = "upstream_timeout";
    public const string UpstreamInterrupted = "upstream_interrupted";
    public const string Aborted = "aborted";
    public const string ShuttingDown = "shutting_down";
}

/// <summary>
/// A failure with a contract code. The pipeline throws it; each front door turns it into its wire shape
/// (a <c>HubException</c> "code: message" on the hub).
/// </summary>
public sealed class StreamHubException(string code, string message, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>When the caller may try again, where the failure knows it.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The hub wire form: "code: sentence".</summary>
    public string ToWireMessage() => $"{Code}: {Message}";
}
