namespace StreamHub.Emulator;

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
