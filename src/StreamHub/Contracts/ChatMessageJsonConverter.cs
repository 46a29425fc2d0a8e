using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Contracts;

/// <summary>
/// A <see cref="ChatMessage"/> in the hub's JSON: <c>{ role, content, toolCalls?, toolCallId?, name? }</c>, where
/// <c>content</c> is the text, the parts or null. (The hub reads requests with its own parser; reading here is
/// for clients and tests.)
/// </summary>
internal sealed class ChatMessageJsonConverter : JsonConverter<ChatMessage>
{
    public override ChatMessage Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var json = JsonElement.ParseValue(ref reader);
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw new JsonException("A chat message is a JSON object.");
        }

        string? role = null, text = null, toolCallId = null, name = null;
        List<ContentPart>? parts = null;
        List<ToolCall>? calls = null;
        foreach (var property in json.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name.ToLowerInvariant())
            {
                case "role":
                    role = value.GetString();
                    break;
                case "content" when value.ValueKind == JsonValueKind.Array:
                    parts = value.Deserialize<List<ContentPart>>(options);
                    break;
                case "content":
                    text = value.GetString();
                    break;
                case "toolcalls":
                    calls = value.Deserialize<List<ToolCall>>(options);
                    break;
                case "toolcallid":
                    toolCallId = value.GetString();
                    break;
                case "name":
                    name = value.GetString();
                    break;
            }
        }

        return new ChatMessage(role ?? throw new JsonException("A chat message needs a role."), text)
        {
            Parts = parts,
            ToolCalls = calls,
            ToolCallId = toolCallId,
            Name = name,
        };
    }

    public override void Write(Utf8JsonWriter writer, ChatMessage value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, value.Role);
        writer.WritePropertyName("content"u8);
        if (value.Parts is { } parts)
        {
            JsonSerializer.Serialize(writer, parts, options);
        }
        else if (value.Content is { } text)
        {
            writer.WriteStringValue(text);
        }
        else
        {
            writer.WriteNullValue();
        }

        if (value.ToolCalls is { } calls)
        {
            writer.WritePropertyName("toolCalls"u8);
            JsonSerializer.Serialize(writer, calls, options);
        }

        if (value.ToolCallId is { } toolCallId)
        {
            writer.WriteString("toolCallId"u8, toolCallId);
        }

        if (value.Name is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        writer.WriteEndObject();
    }
}
