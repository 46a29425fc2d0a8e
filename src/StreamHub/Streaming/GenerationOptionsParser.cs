using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// Collects a request's <see cref="GenerationOptions"/> field by field: <c>tools</c>, <c>tool_choice</c>,
/// <c>response_format</c>, <c>stop</c>, <c>seed</c>, <c>top_p</c>, <c>reasoning_effort</c> (the hub's camelCase
/// names or OpenAI's), the hub's <c>extra</c>, and on <c>/v1</c> every other field, forwarded as it came. Each is
/// checked for its shape only: the upstream judges the values.
/// </summary>
internal sealed class GenerationOptionsParser(RequestShape shape)
{
    /// <summary>Upstream body fields StreamHub writes itself, and what a hub caller should send instead.</summary>
    private static readonly Dictionary<string, string> Owned = new(StringComparer.Ordinal)
    {
        ["model"] = "send the request's model",
        ["messages"] = "send the request's messages",
        ["stream"] = "StreamHub always streams from the upstream",
        ["stream_options"] = "StreamHub always streams from the upstream",
        [GenerationOptions.MaxTokensField] = "send the request's maxTokens",
        [GenerationOptions.MaxCompletionTokensField] = "send the request's maxTokens",
    };

    /// <summary>Upstream body fields the hub request has a field of its own for.</summary>
    private static readonly Dictionary<string, string> Typed = new(StringComparer.Ordinal)
    {
        ["temperature"] = "temperature",
        ["tools"] = "tools",
        ["tool_choice"] = "toolChoice",
        ["response_format"] = "responseFormat",
        ["stop"] = "stop",
        ["seed"] = "seed",
        ["top_p"] = "topP",
        ["reasoning_effort"] = "reasoningEffort",
    };

    private readonly Dictionary<string, JsonElement> _extra = new(StringComparer.Ordinal);
    private GenerationOptions _options = GenerationOptions.None;

    /// <summary>Reads the field if it is one of the options (<paramref name="name"/> normalized); false otherwise.</summary>
    public bool TryRead(JsonProperty property, string name)
    {
        var value = property.Value;
        var field = property.Name;
        switch (name)
        {
            case "tools":
                _options = _options with { Tools = Tools(value, field) };
                return true;
            case "toolchoice":
                _options = _options with { ToolChoice = ToolChoice(value, field) };
                return true;
            case "responseformat":
                _options = _options with { ResponseFormat = ObjectWithType(value, field, "{ \"type\": \"json_object\" }") };
                return true;
            case "stop":
                _options = _options with { Stop = Stop(value, field) };
                return true;
            case "seed":
                _options = _options with
                {
                    Seed = value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var seed) ? seed : throw Invalid($"{field} must be a whole number"),
                };
                return true;
            case "topp":
                _options = _options with
                {
                    TopP = value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var p) && p is >= 0 and <= 1
                        ? p
                        : throw Invalid($"{field} must be a number from 0 to 1"),
                };
                return true;
            case "reasoningeffort":
                _options = _options with
                {
                    ReasoningEffort = value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } effort
                        ? effort
                        : throw Invalid($"{field} must be a string such as low, medium or high"),
                };
                return true;
            case "extra" when shape == RequestShape.Hub:
                Extra(value, field);
                return true;
            default:
                return false;
        }
    }

    /// <summary>An OpenAI body field StreamHub does not read: forwarded under the caller's name, as it came.</summary>
    public void Forward(JsonProperty property) => _extra[property.Name] = property.Value;

    public GenerationOptions Build(string maxTokensName) => _options with
    {
        MaxTokensName = maxTokensName,
        Extra = _extra,
        FieldsDialect = shape == RequestShape.OpenAi ? Dialect.OpenAi : null,
    };

    private void Extra(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{field} must be an object of further upstream body fields, such as {{ \"user\": \"u-42\" }}");
        }

        foreach (var property in value.EnumerateObject())
        {
            var at = $"{field}.{property.Name}";
            if (Owned.TryGetValue(property.Name, out var instead))
            {
                throw Invalid($"{at} is set by StreamHub (model, messages, stream, stream_options and the token limit are its own): {instead}");
            }

            if (Typed.TryGetValue(property.Name, out var own))
            {
                throw Invalid($"{at} has a request field of its own: send {own}");
            }

            if (property.Name == "n" && !(property.Value.TryGetInt32(out var n) && n == 1))
            {
                throw Invalid($"{at} must be 1: StreamHub answers with one choice");
            }

            _extra[property.Name] = property.Value;
        }
    }

    private static JsonElement Tools(JsonElement value, string field)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{field} must be an array such as [{{ \"type\": \"function\", \"function\": {{ \"name\": \"get_weather\" }} }}]");
        }

        var index = 0;
        foreach (var tool in value.EnumerateArray())
        {
            var at = $"{field}[{index++}]";
            ObjectWithType(tool, at, "{ \"type\": \"function\", \"function\": { \"name\": \"get_weather\" } }");
            if (tool.GetProperty("type"u8).GetString() != "function")
            {
                continue;
            }

            if (!tool.TryGetProperty("function"u8, out var function) || function.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"{at}.function must be an object with a name");
            }

            if (!function.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String || name.GetString()!.Length == 0)
            {
                throw Invalid($"{at}.function.name must be a non-empty string");
            }

            if (function.TryGetProperty("parameters"u8, out var parameters) && parameters.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
            {
                throw Invalid($"{at}.function.parameters must be an object (a JSON Schema)");
            }
        }

        return value;
    }

    private static JsonElement ToolChoice(JsonElement value, string field) => value.ValueKind switch
    {
        JsonValueKind.String => value,
        JsonValueKind.Object => ObjectWithType(value, field, "{ \"type\": \"function\", \"function\": { \"name\": \"get_weather\" } }"),
        _ => throw Invalid($"{field} must be none, auto, required or an object such as {{ \"type\": \"function\", \"function\": {{ \"name\": \"get_weather\" }} }}"),
    };

    private static JsonElement Stop(JsonElement value, string field)
    {
        if (value.ValueKind == JsonValueKind.Array)
        {
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                if (item.ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"{field}[{index}] must be a string");
                }

                index++;
            }

            return value;
        }

        return value.ValueKind == JsonValueKind.String ? value : throw Invalid($"{field} must be a string or an array of strings");
    }

    private static JsonElement ObjectWithType(JsonElement value, string field, string example)
        => value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
            ? value
            : throw Invalid($"{field} must be an object with a string type, such as {example}");

    private static StreamHubException Invalid(string sentence) => new(ErrorCodes.InvalidRequest, sentence);
}
