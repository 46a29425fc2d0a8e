using System.Text.Json;
using StreamHub.Contracts;
using StreamHub.OpenAi;
using StreamHub.Streaming;

namespace StreamHub.Anthropic;

/// <summary>
/// A Messages API body read into the pipeline's request: <c>model</c> and <c>max_tokens</c> (required, as Anthropic
/// requires them), <c>system</c> and <c>messages</c> (<see cref="MessagesContentReader"/>), <c>stream</c>,
/// <c>temperature</c> (0 to 1), <c>top_p</c>, <c>stop_sequences</c>, <c>tools</c> and <c>tool_choice</c> (kept in
/// Anthropic's shape: each upstream dialect's writer translates them), and every other field (<c>thinking</c>,
/// <c>metadata</c>, <c>top_k</c>, …) kept by its name for the upstream, with StreamHub's headers (priority, group,
/// request id) read as on <c>/v1/chat/completions</c>.
/// </summary>
internal sealed record MessagesBody(CompletionRequest Request, bool Stream)
{
    public static async Task<MessagesBody> ReadAsync(HttpRequest http, StreamingOptions limits, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await LimitedBody.ParseAsync(http, limits.MaxRequestBytes, cancellationToken);
        }
        catch (JsonException)
        {
            throw Invalid("the body must be a JSON object such as { \"model\": \"…\", \"max_tokens\": 1024, \"messages\": [{ \"role\": \"user\", \"content\": \"Hello\" }] }");
        }

        JsonElement json;
        using (document)
        {
            // One copy that the kept blocks, tools and fields point into.
            json = document.RootElement.Clone();
        }

        try
        {
            return Read(json, limits, http.Headers);
        }
        catch (InvalidOperationException)
        {
            throw Invalid("the request holds text that is not valid Unicode (a lone UTF-16 surrogate such as \\ud800)");
        }
    }

    private static MessagesBody Read(JsonElement json, StreamingOptions limits, IHeaderDictionary headers)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the body must be a JSON object");
        }

        var model = json.TryGetProperty("model"u8, out var m) && m.ValueKind == JsonValueKind.String && m.GetString() is { Length: > 0 and <= 128 } name
            ? name
            : throw Invalid("model: Field required (a string of at most 128 characters)");
        var maxTokens = json.TryGetProperty("max_tokens"u8, out var mt) && mt.ValueKind == JsonValueKind.Number && mt.TryGetInt32(out var n)
            && n >= 1 && n <= limits.MaxTokensLimit
            ? n
            : throw Invalid($"max_tokens: Field required (a whole number from 1 to {limits.MaxTokensLimit})");
        var messages = MessagesContentReader.Read(
            json.TryGetProperty("system"u8, out var system) ? system : default,
            json.TryGetProperty("messages"u8, out var list) ? list : default,
            limits.MaxMessages);

        var (stream, temperature) = (false, (double?)null);
        var options = GenerationOptions.None with { MaxTokensName = GenerationOptions.MaxTokensField, FieldsDialect = Dialect.Anthropic };
        var extra = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "model" or "max_tokens" or "system" or "messages":
                    break;
                case "stream":
                    stream = value.ValueKind is JsonValueKind.True or JsonValueKind.False
                        ? value.GetBoolean()
                        : value.ValueKind == JsonValueKind.Null ? false : throw Invalid("stream: Input should be a valid boolean");
                    break;
                case "temperature":
                    temperature = value.ValueKind == JsonValueKind.Number && value.GetDouble() is var t && t is >= 0 and <= 1
                        ? t
                        : throw Invalid("temperature: Input should be a number from 0 to 1");
                    break;
                case "top_p":
                    options = options with
                    {
                        TopP = value.ValueKind == JsonValueKind.Number && value.GetDouble() is var p && p is >= 0 and <= 1 ? p : throw Invalid("top_p: Input should be a number from 0 to 1"),
                    };
                    break;
                case "stop_sequences":
                    options = options with { Stop = StopSequences(value) };
                    break;
                case "tools":
                    options = options with { Tools = Tools(value) };
                    break;
                case "tool_choice":
                    options = options with { ToolChoice = ToolChoice(value) };
                    break;
                default:
                    extra[property.Name] = value;
                    break;
            }
        }

        var request = new CompletionRequest(StreamRequestParser.NewRequestId(), messages, model, null, maxTokens, temperature, null, false)
        {
            Options = options with { Extra = extra },
        };
        if (request.InputChars is var chars && chars > limits.MaxInputChars)
        {
            throw Invalid($"the input holds {chars} characters; the limit is {limits.MaxInputChars}");
        }

        return new MessagesBody(OpenAiBody.WithHeaders(request, headers), stream);
    }

    private static JsonElement StopSequences(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("stop_sequences: Input should be a valid list of strings");
        }

        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                throw Invalid("stop_sequences: Input should be a valid list of strings");
            }
        }

        return value;
    }

    private static JsonElement Tools(JsonElement value)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("tools: Input should be a valid list");
        }

        var i = 0;
        foreach (var tool in value.EnumerateArray())
        {
            if (tool.ValueKind != JsonValueKind.Object || !tool.TryGetProperty("name"u8, out var name) || name.ValueKind != JsonValueKind.String)
            {
                throw Invalid($"tools.{i}.name: Field required");
            }

            var custom = !tool.TryGetProperty("type"u8, out var type) || type.ValueEquals("custom"u8);
            if (custom && !(tool.TryGetProperty("input_schema"u8, out var schema) && schema.ValueKind == JsonValueKind.Object))
            {
                throw Invalid($"tools.{i}.input_schema: Field required");
            }

            i++;
        }

        return value;
    }

    private static JsonElement ToolChoice(JsonElement value)
    {
        var type = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("type"u8, out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        if (type is not ("auto" or "any" or "tool" or "none"))
        {
            throw Invalid("tool_choice: Input should be an object with type auto, any, tool or none");
        }

        return type == "tool" && !(value.TryGetProperty("name"u8, out var name) && name.ValueKind == JsonValueKind.String)
            ? throw Invalid("tool_choice.tool.name: Field required")
            : value;
    }

    private static StreamHubException Invalid(string sentence) => new(ErrorCodes.InvalidRequest, sentence);
}
