using System.Text.Json.Serialization;

namespace StreamHub.Contracts;

/// <summary>The function a <see cref="ToolCall"/> calls, and its arguments as the model wrote them (JSON text).</summary>
public sealed record ToolCallFunction(
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("arguments")] string Arguments);
