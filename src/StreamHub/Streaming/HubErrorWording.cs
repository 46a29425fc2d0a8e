using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// Words every error a hub call ends with as the contract does, "code: sentence". Our own failures arrive as
/// SignalR wraps a <c>HubException</c> ("An error occurred on the server while streaming results. HubException:
/// rate_limited: …") and keep their code. SignalR's own answers to a call it cannot run (arguments it cannot
/// bind, an unknown method, a stream invoked as a plain call, an invocation id in use) become
/// <c>invalid_request</c>: each is the caller's mistake. Anything else without a code is a failure of ours
/// and becomes <c>upstream_error</c>, as the hub words unexpected failures.
/// </summary>
internal static class HubErrorWording
{
    private const string HubExceptionMarker = "HubException: ";

    /// <summary>How SignalR starts the sentences it sends about a call it could not run (see DefaultHubDispatcher).</summary>
    private static readonly string[] CallMistakes =
    [
        "Failed to invoke '",
        "Invocation provides ",
        "Unknown hub method",
        "Method does not exist",
        "The client attempted to invoke ",
        "Client sent ",
        "Invocation ID '",
        "Method '",
    ];

    private static readonly string[] Codes =
    [
        ErrorCodes.InvalidRequest, ErrorCodes.Unauthorized, ErrorCodes.Forbidden, ErrorCodes.RateLimited,
        ErrorCodes.QueueFull, ErrorCodes.QueueTimeout, ErrorCodes.UpstreamUnavailable, ErrorCodes.UpstreamError,
        ErrorCodes.UpstreamTimeout, ErrorCodes.UpstreamInterrupted, ErrorCodes.Aborted, ErrorCodes.ShuttingDown,
    ];

    /// <summary>The error as the contract words it: "code: sentence".</summary>
    public static string Code(string error)
    {
        var marker = error.IndexOf(HubExceptionMarker, StringComparison.Ordinal);
        var detail = marker >= 0 ? error[(marker + HubExceptionMarker.Length)..] : error;
        if (HasCode(detail))
        {
            return detail;
        }

        if (error.Contains("because user is unauthorized", StringComparison.Ordinal))
        {
            return $"{ErrorCodes.Forbidden}: this caller may not call {Target(error) ?? "that method"}";
        }

        // A HubException without a code never comes from StreamHub: SignalR throws it about the call ("Method does not exist.").
        if (marker >= 0 || Array.Exists(CallMistakes, prefix => error.StartsWith(prefix, StringComparison.Ordinal)))
        {
            return $"{ErrorCodes.InvalidRequest}: {Explain(error, detail)}";
        }

        return $"{ErrorCodes.UpstreamError}: the call failed unexpectedly; retry";
    }

    /// <summary>Whether <paramref name="message"/> already starts with a contract code and a colon.</summary>
    public static bool HasCode(string message)
    {
        foreach (var code in Codes)
        {
            if (message.Length > code.Length && message[code.Length] == ':' && message.StartsWith(code, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static string Explain(string error, string detail)
    {
        var target = Target(error);
        if (detail.StartsWith("Method does not exist", StringComparison.Ordinal) || error.StartsWith("Unknown hub method", StringComparison.Ordinal))
        {
            return $"the hub has no method '{target}'";
        }

        if (error.StartsWith("Failed to invoke '", StringComparison.Ordinal) || error.StartsWith("Invocation provides ", StringComparison.Ordinal))
        {
            return $"the call's arguments do not fit {target ?? "the method"}; {Usage(target)}";
        }

        return error;
    }

    private static string Usage(string? target) => target switch
    {
        "Stream" or "StreamEvents" => $"send one request object, e.g. {target}({{ \"prompt\": \"Hello\" }})",
        "Watch" => "send a requestId string and an afterSeq number, e.g. Watch(\"r1\", 0)",
        "JoinGroup" or "LeaveGroup" => $"send one group name, e.g. {target}(\"team-a\")",
        _ => "send one request object, e.g. Stream({ \"prompt\": \"Hello\" })",
    };

    /// <summary>The method SignalR names in quotes ("Failed to invoke 'Stream' …"), if any.</summary>
    private static string? Target(string error)
    {
        var start = error.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : error.IndexOf('\'', start + 1);
        return end > start + 1 ? error[(start + 1)..end] : null;
    }
}
