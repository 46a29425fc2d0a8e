namespace StreamHub.Contracts;

/// <summary>
/// The hub's request as the contract documents it, for .NET clients to send (<c>StreamAsChannelAsync</c>).
/// The server reads the raw JSON itself (see <c>StreamRequestParser</c>) so that every malformed
/// call gets an <c>invalid_request:</c> answer instead of SignalR's generic binding error.
/// </summary>
public sealed record StreamRequest
{
    public string? RequestId { get; init; }
    public IReadOnlyList<ChatMessage>? Messages { get; init; }
    public string? Prompt { get; init; }
    public string? Model { get; init; }
    public string? Priority { get; init; }
    public int? MaxTokens { get; init; }
    public double? Temperature { get; init; }
    public string? Group { get; init; }
    public bool? Resumable { get; init; }
}
