using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Contracts;

/// <summary>
/// One part of a message's content, in OpenAI's shape: <c>{ "type": "text", "text" }</c>,
/// <c>{ "type": "image_url", "image_url": { "url", "detail"? } }</c>, <c>input_audio</c>, <c>file</c> or any
/// other type. The part travels upstream exactly as <see cref="Json"/> holds it; text and image parts are also
/// read into <see cref="Text"/> and <see cref="ImageUrl"/> so that another dialect can be written from them.
/// </summary>
[JsonConverter(typeof(ContentPartJsonConverter))]
public sealed class ContentPart
{
    private ContentPart(JsonElement json, string type, string? text, string? imageUrl, string? imageDetail)
    {
        Json = json;
        Type = type;
        Text = text;
        ImageUrl = imageUrl;
        ImageDetail = imageDetail;
    }

    /// <summary>The part's <c>type</c>: <c>text</c>, <c>image_url</c>, <c>input_audio</c>, <c>file</c>, …</summary>
    public string Type { get; }

    /// <summary>A <c>text</c> part's text.</summary>
    public string? Text { get; }

    /// <summary>An <c>image_url</c> part's <c>image_url.url</c> (an https or a <c>data:</c> URL).</summary>
    public string? ImageUrl { get; }

    /// <summary>An <c>image_url</c> part's <c>image_url.detail</c> (<c>auto</c>, <c>low</c>, <c>high</c>).</summary>
    public string? ImageDetail { get; }

    /// <summary>The whole part as JSON, sent upstream verbatim.</summary>
    public JsonElement Json { get; }

    public static ContentPart FromText(string text) => FromJson(Write(writer =>
    {
        writer.WriteString("type"u8, "text"u8);
        writer.WriteString("text"u8, text);
    }));

    public static ContentPart FromImageUrl(string url, string? detail = null) => FromJson(Write(writer =>
    {
        writer.WriteString("type"u8, "image_url"u8);
        writer.WriteStartObject("image_url"u8);
        writer.WriteString("url"u8, url);
        if (detail is not null)
        {
            writer.WriteString("detail"u8, detail);
        }

        writer.WriteEndObject();
    }));

    /// <summary>
    /// Any part from its JSON: an object with a string <c>type</c>; a <c>text</c> part needs a string
    /// <c>text</c>, an <c>image_url</c> part an object <c>image_url</c> with a string <c>url</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The JSON is not such a part.</exception>
    public static ContentPart FromJson(JsonElement json)
    {
        if (json.ValueKind != JsonValueKind.Object || !json.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
        {
            throw new ArgumentException("A content part is an object with a string \"type\".", nameof(json));
        }

        string? text = null, url = null, detail = null;
        switch (type.GetString())
        {
            case "text":
                text = json.TryGetProperty("text"u8, out var value) && value.ValueKind == JsonValueKind.String
                    ? value.GetString()
                    : throw new ArgumentException("A text part needs a string \"text\".", nameof(json));
                break;
            case "image_url":
                if (!json.TryGetProperty("image_url"u8, out var image) || image.ValueKind != JsonValueKind.Object
                    || !image.TryGetProperty("url"u8, out var address) || address.ValueKind != JsonValueKind.String)
                {
                    throw new ArgumentException("An image_url part needs an object \"image_url\" with a string \"url\".", nameof(json));
                }

                url = address.GetString();
                detail = image.TryGetProperty("detail"u8, out var level) && level.ValueKind == JsonValueKind.String ? level.GetString() : null;
                break;
        }

        return new ContentPart(json.Clone(), type.GetString()!, text, url, detail);
    }

    private static JsonElement Write(Action<Utf8JsonWriter> members)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(128);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            members(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
