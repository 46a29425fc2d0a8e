using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>The errors a watcher can meet, worded once.</summary>
internal static class WatchErrors
{
    public static StreamHubException NotFound(string requestId) => new(
        ErrorCodes.InvalidRequest, $"no request {requestId} is known here; it may never have run or its watch buffer expired");

    public static StreamHubException Forbidden(string requestId) => new(
        ErrorCodes.Forbidden, $"request {requestId} belongs to another tenant");

    public static StreamHubException Ended(string requestId, string code) => new(
        code, $"request {requestId} ended with {code}");

    public static StreamHubException StoreDown() => new(
        ErrorCodes.UpstreamUnavailable, "the watch store (Redis) is unreachable; streams go on, retry the watch in a few seconds");
}
