using System.Text.Json;

namespace StreamHub.Emulator.Completions;

/// <summary>An OpenAI chat message: any role, content as a string, an array of parts, or null beside tool calls.</summary>
internal sealed class ChatMessage
{
    public string? Role { get; set; }

    /// <summary>A string, an array of content parts (text, image_url, input_audio, file, any other type), null or absent.</summary>
    public JsonElement Content { get; set; }

    public List<ChatToolCall>? ToolCalls { get; set; }
    public string? ToolCallId { get; set; }
    public string? Name { get; set; }

    public bool ContentIsNull => Content.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined;

    /// <summary>The string content, or the text parts joined.</summary>
    public string ContentText()
    {
        switch (Content.ValueKind)
        {
            case JsonValueKind.String:
                return Content.GetString() ?? string.Empty;
            case JsonValueKind.Array:
                var parts = new List<string>();
                foreach (var part in Content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        parts.Add(text.GetString() ?? string.Empty);
                    }
                }

                return string.Concat(parts);
            default:
                return string.Empty;
        }
    }

    /// <summary>Each part's <c>type</c>, in order; empty for string content.</summary>
    public IReadOnlyList<string> PartTypes() => Content.ValueKind != JsonValueKind.Array ? []
        : [.. Content.EnumerateArray().Select(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : "?")];

    public EmulatorMessage ToRecord() => new(Role ?? string.Empty, ContentText())
    {
        PartTypes = PartTypes(),
        ContentIsNull = ContentIsNull,
        ToolCalls = ToolCalls is null ? [] : [.. ToolCalls.Select(c => new EmulatorToolCall(c.Id ?? string.Empty, c.Function?.Name ?? string.Empty, c.Function?.Arguments ?? string.Empty))],
        ToolCallId = ToolCallId,
        Name = Name,
    };
}
