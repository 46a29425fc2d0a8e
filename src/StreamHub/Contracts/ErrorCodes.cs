namespace StreamHub.Contracts;

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
