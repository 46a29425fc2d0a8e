using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// One content part as an Anthropic content block: a text part as it is (its <c>cache_control</c> included; empty
/// text, which Anthropic refuses, left out), an <c>image_url</c> as an <c>image</c> block (a base64 <c>data:</c> URL as a
/// <c>base64</c> source, any other URL as a <c>url</c> source), a PDF <c>file</c> with <c>file_data</c> as a
/// <c>document</c>, a <c>refusal</c> as text, and anything else (Anthropic's own blocks from <c>/v1/messages</c>) as it came.
/// </summary>
internal static class AnthropicBlocks
{
    /// <summary>Writes the block; false when the part has no block (empty text).</summary>
    public static bool TryWrite(Utf8JsonWriter writer, ContentPart part)
    {
        switch (part.Type)
        {
            case "text" when string.IsNullOrEmpty(part.Text):
                return false;
            case "image_url" when part.ImageUrl is { } url:
                writer.WriteStartObject();
                writer.WriteString("type"u8, "image"u8);
                WriteSource(writer, url);
                writer.WriteEndObject();
                return true;
            case "file" when FileData(part.Json) is { } data && data.StartsWith("data:application/pdf;base64,", StringComparison.Ordinal):
                writer.WriteStartObject();
                writer.WriteString("type"u8, "document"u8);
                WriteSource(writer, data);
                writer.WriteEndObject();
                return true;
            case "refusal" when part.Json.TryGetProperty("refusal"u8, out var refusal) && refusal.ValueKind == JsonValueKind.String:
                return TryWriteText(writer, refusal.GetString());
            default:
                part.Json.WriteTo(writer);
                return true;
        }
    }

    /// <summary>A text block; false for empty text, which Anthropic refuses.</summary>
    public static bool TryWriteText(Utf8JsonWriter writer, string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        writer.WriteStartObject();
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, text);
        writer.WriteEndObject();
        return true;
    }

    /// <summary>
    /// A tool call's arguments as the <c>input</c> member, the object Anthropic wants: none, or text that is not an
    /// object (arguments cut short or malformed), as <c>{}</c>.
    /// </summary>
    public static void WriteInput(Utf8JsonWriter writer, string arguments)
    {
        writer.WritePropertyName("input"u8);
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                document.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
            // Not an object: Anthropic takes only one.
        }

        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    /// <summary><c>data:&lt;media type&gt;;base64,&lt;data&gt;</c> as a base64 source, any other URL as a url source.</summary>
    private static void WriteSource(Utf8JsonWriter writer, string url)
    {
        writer.WriteStartObject("source"u8);
        var comma = url.IndexOf(',', StringComparison.Ordinal);
        if (url.StartsWith("data:", StringComparison.OrdinalIgnoreCase) && comma > 0 && url.AsSpan(0, comma).EndsWith(";base64", StringComparison.OrdinalIgnoreCase))
        {
            writer.WriteString("type"u8, "base64"u8);
            writer.WriteString("media_type"u8, url.AsSpan(5, comma - 5 - ";base64".Length));
            writer.WriteString("data"u8, url.AsSpan(comma + 1));
        }
        else
        {
            writer.WriteString("type"u8, "url"u8);
            writer.WriteString("url"u8, url);
        }

        writer.WriteEndObject();
    }

    private static string? FileData(JsonElement part)
        => part.TryGetProperty("file"u8, out var file) && file.ValueKind == JsonValueKind.Object
            && file.TryGetProperty("file_data"u8, out var data) && data.ValueKind == JsonValueKind.String ? data.GetString() : null;
}
