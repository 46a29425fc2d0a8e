using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>The errors a watcher can meet, worded once.</summary>
internal static class WatchErrors
{
    /// <summary>
    /// No request of the watcher's tenant has this id: the same answer whether or not another tenant has one, so
    /// Watch tells nobody which ids other tenants use.
    /// </summary>
    public static StreamHubException NotFound(string requestId) => new(
        ErrorCodes.InvalidRequest, $"no request {requestId} is known here; it may never have run or its watch buffer expired");

    public static StreamHubException Ended(string requestId, string code) => new(
        code, $"request {requestId} ended with {code}");

    /// <summary>The buffer vanished under a watcher without an end: its instance stopped (or it was refused) before it ended.</summary>
    public static StreamHubException Gone(string requestId) => new(
        ErrorCodes.UpstreamInterrupted, $"request {requestId} stopped without an end (its instance may have stopped); send it again");

    public static StreamHubException StoreDown() => new(
        ErrorCodes.UpstreamUnavailable, "the watch store (Redis) is unreachable; streams go on, retry the watch in a few seconds");
}
