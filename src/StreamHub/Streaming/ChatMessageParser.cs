using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// Reads a request's <c>messages</c> into <see cref="ChatMessage"/>s, or an <c>invalid_request</c> error naming the
/// field by the path the caller spelled (<c>messages[2].tool_calls[0].function.name must be a string</c>). Message
/// and tool-call fields match case-insensitively (and, in OpenAI's shape, with or without underscores); content
/// parts are OpenAI's JSON with its exact names and travel upstream as they came. An OpenAI caller's message
/// fields that StreamHub does not read are kept and forwarded; the hub ignores them.
/// </summary>
internal static class ChatMessageParser
{
    public static List<ChatMessage> ParseAll(JsonElement value, string field, StreamingOptions limits, RequestShape shape)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{field} must be an array of {{ role, content }}");
        }

        var count = value.GetArrayLength();
        if (count == 0)
        {
            throw Invalid($"{field} must not be empty");
        }

        if (count > limits.MaxMessages)
        {
            throw Invalid($"{field} holds {count} items; the limit is {limits.MaxMessages}");
        }

        var list = new List<ChatMessage>(count);
        foreach (var item in value.EnumerateArray())
        {
            list.Add(Parse(item, $"{field}[{list.Count}]", shape));
        }

        return list;
    }

    private static ChatMessage Parse(JsonElement item, string path, RequestShape shape)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path} must be an object with role and content");
        }

        string? role = null, toolCallId = null, name = null;
        var content = default(JsonElement);
        var (roleName, contentName) = ("role", "content");
        JsonProperty? calls = null;
        Dictionary<string, JsonElement>? extra = null;
        foreach (var property in item.EnumerateObject())
        {
            var value = property.Value;
            switch (StreamRequestParser.Normalize(property.Name, shape))
            {
                case "role":
                    roleName = property.Name;
                    role = value.ValueKind == JsonValueKind.String ? value.GetString()!.ToLowerInvariant() : "";
                    break;
                case "content":
                    (content, contentName) = (value, property.Name);
                    break;
                case "toolcalls" when value.ValueKind != JsonValueKind.Null:
                    calls = property;
                    break;
                case "toolcallid" when value.ValueKind != JsonValueKind.Null:
                    toolCallId = String(value, $"{path}.{property.Name}");
                    break;
                case "name" when value.ValueKind != JsonValueKind.Null:
                    name = String(value, $"{path}.{property.Name}");
                    break;
                case "toolcalls" or "toolcallid" or "name":
                    break;
                default:
                    if (shape == RequestShape.OpenAi)
                    {
                        (extra ??= [])[property.Name] = value;
                    }

                    break;
            }
        }

        if (role is not ("system" or "developer" or "user" or "assistant" or "tool"))
        {
            throw Invalid($"{path}.{roleName} must be system, developer, user, assistant or tool");
        }

        var toolCalls = calls is { } found ? ToolCallParser.ParseAll(found.Value, $"{path}.{found.Name}", role, shape) : null;
        var toolCallIdName = shape == RequestShape.Hub ? "toolCallId" : "tool_call_id";
        if (role == "tool" && string.IsNullOrEmpty(toolCallId))
        {
            throw Invalid($"{path}.{toolCallIdName} must be a non-empty string: the id of the tool call this result answers");
        }

        string? text = null;
        List<ContentPart>? parts = null;
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                text = content.GetString()!;
                if (role is "system" or "developer" or "user" && string.IsNullOrWhiteSpace(text))
                {
                    throw Invalid($"{path}.{contentName} must be a non-empty string");
                }

                break;
            case JsonValueKind.Array:
                parts = Parts(content, $"{path}.{contentName}");
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined when role == "assistant" && toolCalls is { Count: > 0 }:
                break;
            case JsonValueKind.Null or JsonValueKind.Undefined:
                throw Invalid(role switch
                {
                    "assistant" => $"{path}.{contentName} must be a string or an array of parts (null only beside {(shape == RequestShape.Hub ? "toolCalls" : "tool_calls")})",
                    "tool" => $"{path}.{contentName} must be a string or an array of parts: the tool's result",
                    _ => $"{path}.{contentName} must be a non-empty string or an array of parts",
                });
            default:
                throw Invalid($"{path}.{contentName} must be a string, an array of parts or null");
        }

        return new ChatMessage(role, text)
        {
            Parts = parts,
            ToolCalls = toolCalls,
            ToolCallId = toolCallId,
            Name = name,
            Extra = extra,
            ContentAbsent = shape == RequestShape.OpenAi && content.ValueKind == JsonValueKind.Undefined,
        };
    }

    /// <summary>OpenAI's content parts: the JSON is kept as it came; text and image parts must have their fields.</summary>
    private static List<ContentPart> Parts(JsonElement value, string path)
    {
        if (value.GetArrayLength() == 0)
        {
            throw Invalid($"{path} must not be an empty array");
        }

        var parts = new List<ContentPart>(value.GetArrayLength());
        foreach (var part in value.EnumerateArray())
        {
            var at = $"{path}[{parts.Count}]";
            if (part.ValueKind != JsonValueKind.Object || !part.TryGetProperty("type"u8, out var type) || type.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"{at} must be an object with a string type, such as {{ \"type\": \"text\", \"text\": \"Hello\" }}");
            }

            switch (type.GetString())
            {
                case "text" when !(part.TryGetProperty("text"u8, out var text) && text.ValueKind == JsonValueKind.String):
                    throw Invalid($"{at}.text must be a string");
                case "image_url" when !(part.TryGetProperty("image_url"u8, out var image) && image.ValueKind == JsonValueKind.Object
                    && image.TryGetProperty("url"u8, out var url) && url.ValueKind == JsonValueKind.String):
                    throw Invalid($"{at}.image_url must be an object with a string url, such as {{ \"url\": \"https://…\" }}");
                case "input_audio" when !(part.TryGetProperty("input_audio"u8, out var audio) && audio.ValueKind == JsonValueKind.Object):
                    throw Invalid($"{at}.input_audio must be an object with data and format");
                case "file" when !(part.TryGetProperty("file"u8, out var file) && file.ValueKind == JsonValueKind.Object):
                    throw Invalid($"{at}.file must be an object with file_data or file_id");
            }

            parts.Add(ContentPart.FromJson(part));
        }

        return parts;
    }

    private static string String(JsonElement value, string path) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw Invalid($"{path} must be a string");

    private static StreamHubException Invalid(string sentence) => new(ErrorCodes.InvalidRequest, sentence);
}
