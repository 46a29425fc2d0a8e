using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// Reads an assistant message's tool calls. A function call needs an id, a name and its arguments as JSON text;
/// a call of another type needs an id and is kept as it came. Field names match case-insensitively.
/// </summary>
internal static class ToolCallParser
{
    public static List<ToolCall> ParseAll(JsonElement value, string path, string role, RequestShape shape)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{path} must be an array of tool calls");
        }

        if (role != "assistant")
        {
            throw Invalid($"{path} belongs on an assistant message only");
        }

        var calls = new List<ToolCall>(value.GetArrayLength());
        foreach (var item in value.EnumerateArray())
        {
            calls.Add(Parse(item, $"{path}[{calls.Count}]", shape));
        }

        return calls;
    }

    private static ToolCall Parse(JsonElement item, string path, RequestShape shape)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path} must be an object such as {{ \"id\", \"type\": \"function\", \"function\": {{ \"name\", \"arguments\" }} }}");
        }

        var id = NonEmptyString(item, "id", path);
        var (typeField, type) = Find(item, "type");
        if (type.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null or JsonValueKind.String))
        {
            throw Invalid($"{path}.{typeField} must be a string");
        }

        if (type.ValueKind == JsonValueKind.String && type.GetString() != "function")
        {
            // Another kind of call (e.g. OpenAI's custom tools) goes upstream as it came.
            return new ToolCall(id, null) { Type = type.GetString()!, Json = item };
        }

        var (functionField, function) = Find(item, "function");
        if (function.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path}.{functionField} must be an object with name and arguments");
        }

        var at = $"{path}.{functionField}";
        var name = NonEmptyString(function, "name", at);
        var (argumentsField, arguments) = Find(function, "arguments");
        if (arguments.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"{at}.{argumentsField} must be a string (the arguments as JSON text, \"{{}}\" for none)");
        }

        // A hub call is written again in OpenAI's names (a MessagePack client may have sent "Id"); an OpenAI one is kept whole.
        return new ToolCall(id, new ToolCallFunction(name, arguments.GetString()!))
        {
            Json = shape == RequestShape.OpenAi ? item : null,
        };
    }

    private static string NonEmptyString(JsonElement item, string field, string path)
    {
        var (spelled, value) = Find(item, field);
        if (value.ValueKind != JsonValueKind.String)
        {
            throw Invalid($"{path}.{spelled} must be a string");
        }

        return value.GetString() is { Length: > 0 } text ? text : throw Invalid($"{path}.{spelled} must not be empty");
    }

    /// <summary>The field (matched case-insensitively) with its name as spelled; the asked name and an undefined value when absent.</summary>
    private static (string Name, JsonElement Value) Find(JsonElement item, string field)
    {
        foreach (var property in item.EnumerateObject())
        {
            if (property.Name.Equals(field, StringComparison.OrdinalIgnoreCase))
            {
                return (property.Name, property.Value);
            }
        }

        return (field, default);
    }

    private static StreamHubException Invalid(string sentence) => new(ErrorCodes.InvalidRequest, sentence);
}
