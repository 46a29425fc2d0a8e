namespace StreamHub.Emulator;

/// <summary>
/// Counters served at <c>/emulator/stats</c>. <see cref="OpenStreams"/> counts chat-completion requests being
/// served right now (client aborts included, they leave in a <c>finally</c>); a request ends either completed
/// (its planned response, faulty or not, was written) or aborted (the client went away, or the fault
/// dropped the connection).
/// </summary>
public sealed record EmulatorStats(int OpenStreams, long TotalRequests, long CompletedStreams, long AbortedStreams);

/// <summary>One chat-completion request as received, so tests can check what the gateway sent upstream.</summary>
/// <param name="Fault">The fault spec applied (scripted or from a directive), or null.</param>
public sealed record EmulatorRequestRecord(
    long Seq,
    string? Model,
    string? Authorization,
    IReadOnlyList<EmulatorMessage> Messages,
    int? MaxTokens,
    bool Stream,
    string? Fault);

/// <summary>A chat message as received; content parts are joined into one string.</summary>
public sealed record EmulatorMessage(string Role, string Content);
