using System.Text.Json;

namespace StreamHub.Contracts;

/// <summary>
/// The hub's request as the contract documents it, for .NET clients to send (<c>StreamAsChannelAsync</c>).
/// The server reads the raw JSON itself (see <c>StreamRequestParser</c>) so that every malformed
/// call gets an <c>invalid_request:</c> answer instead of SignalR's generic binding error.
/// </summary>
/// <remarks>
/// The members of JSON type (<see cref="Tools"/>, <see cref="ToolChoice"/>, <see cref="ResponseFormat"/>,
/// <see cref="Extra"/>, content parts) are for the JSON protocol; a MessagePack client sends them in a map argument
/// with the contract's names.
/// </remarks>
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

    /// <summary>OpenAI's <c>tools</c>: <c>[{ "type": "function", "function": { "name", "description"?, "parameters"? } }]</c>.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{ "type": "function", "function": { "name" } }</c>.</summary>
    public JsonElement? ToolChoice { get; init; }

    /// <summary>OpenAI's <c>response_format</c>, e.g. <c>{ "type": "json_object" }</c>.</summary>
    public JsonElement? ResponseFormat { get; init; }

    /// <summary>Sequences that end the answer (the contract also takes a single string).</summary>
    public IReadOnlyList<string>? Stop { get; init; }

    public long? Seed { get; init; }
    public double? TopP { get; init; }

    /// <summary>e.g. <c>low</c>, <c>medium</c>, <c>high</c>, as the model accepts.</summary>
    public string? ReasoningEffort { get; init; }

    /// <summary>Further upstream body fields, sent verbatim under these names (not the ones StreamHub sets).</summary>
    public IReadOnlyDictionary<string, JsonElement>? Extra { get; init; }
}
