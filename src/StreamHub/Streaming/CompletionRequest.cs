using StreamHub.Admission;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>
/// The hub's request as the contract documents it, for .NET clients to send (<c>StreamAsChannelAsync</c>).
/// The server reads the raw JSON itself (see <see cref="StreamRequestParser"/>) so that every malformed
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

/// <summary>A validated request: what both front doors hand to <see cref="CompletionPipeline"/>.</summary>
internal sealed record CompletionRequest(
    string RequestId,
    IReadOnlyList<ChatMessage> Messages,
    string? Model,
    Priority? Priority,
    int? MaxTokens,
    double? Temperature,
    string? Group,
    bool Resumable)
{
    /// <summary>Characters of input, the basis of the token estimate before the upstream reports usage.</summary>
    public int InputChars
    {
        get
        {
            var total = 0;
            foreach (var message in Messages)
            {
                total += message.Content.Length;
            }

            return total;
        }
    }
}
