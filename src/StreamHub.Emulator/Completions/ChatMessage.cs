using System.Text.Json;

namespace StreamHub.Emulator.Completions;

internal sealed class ChatMessage
{
    public string? Role { get; set; }

    /// <summary>A string, or an array of content parts (only their <c>text</c> is kept).</summary>
    public JsonElement Content { get; set; }

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
}
