using System.Net;
using System.Net.WebSockets;

namespace StreamHub.Client;

/// <summary>
/// A failed connect as the caller's error: 401 and 403 (the hub's authorization, answered before SignalR starts)
/// are <c>unauthorized</c> and <c>forbidden</c>; anything else means StreamHub is out of reach.
/// </summary>
internal static class ConnectFailures
{
    public static StreamHubException From(Exception ex, Uri? url)
    {
        // Without negotiation the refusal comes from the WebSocket handshake, whose exception carries the status
        // only in its (runtime, not localized) message; with negotiation it is an HttpRequestException's StatusCode.
        var status = ex switch
        {
            HttpRequestException { StatusCode: { } code } => code,
            WebSocketException ws when ws.Message.Contains("'401'", StringComparison.Ordinal) => HttpStatusCode.Unauthorized,
            WebSocketException ws when ws.Message.Contains("'403'", StringComparison.Ordinal) => HttpStatusCode.Forbidden,
            _ => (HttpStatusCode?)null,
        };
        return status switch
        {
            HttpStatusCode.Unauthorized => new StreamHubException(
                StreamHubErrorCodes.Unauthorized, "StreamHub refused the connection: send a tenant API key it knows (or none, where anonymous access is on)", null, ex),
            HttpStatusCode.Forbidden => new StreamHubException(
                StreamHubErrorCodes.Forbidden, "StreamHub refused the connection for this identity", null, ex),
            _ => new StreamHubException(
                StreamHubErrorCodes.ConnectionLost, $"could not connect to StreamHub at {url}: {ex.Message}", null, ex),
        };
    }
}
