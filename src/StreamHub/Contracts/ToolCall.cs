using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Contracts;

/// <summary>
/// A tool call an assistant message made: <c>{ "id", "type": "function", "function": { "name", "arguments" } }</c>,
/// the same names in the hub's JSON and OpenAI's. <see cref="Function"/> is null for a call of another type,
/// which travels upstream as it came.
/// </summary>
public sealed record ToolCall(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("function")] ToolCallFunction? Function)
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    /// <summary>The call as an OpenAI caller sent it, sent upstream verbatim (fields StreamHub does not read included).</summary>
    internal JsonElement? Json { get; init; }
}
