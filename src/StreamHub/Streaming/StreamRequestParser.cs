using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// Turns the raw request argument into a <see cref="CompletionRequest"/>, or an <c>invalid_request</c>
/// error that says exactly what to fix. Property names match case-insensitively; unknown ones are ignored by
/// the hub (its <c>extra</c> carries further upstream fields) and forwarded on <c>/v1</c>. Messages are read by
/// <see cref="ChatMessageParser"/>, tools and the other model options by <see cref="GenerationOptionsParser"/>.
/// </summary>
internal static partial class StreamRequestParser
{
    public static CompletionRequest Parse(JsonElement json, StreamingOptions limits) => Parse(json, limits, RequestShape.Hub);

    /// <summary>
    /// The hub's argument as a hub protocol bound it to <see cref="object"/>: JSON gives a
    /// <see cref="JsonElement"/>; MessagePack gives a dictionary, an array or a primitive, which is turned into
    /// JSON first so that both protocols follow the same rules and sentences.
    /// </summary>
    public static CompletionRequest ParseArgument(object? argument, StreamingOptions limits)
    {
        if (argument is JsonElement json)
        {
            return Parse(json, limits);
        }

        try
        {
            json = JsonSerializer.SerializeToElement(argument);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException)
        {
            // A map keyed by something other than strings or numbers, a NaN, nesting beyond 64 levels.
            throw Invalid("the request must be an object of strings, numbers, booleans and arrays such as { \"prompt\": \"Hello\" }");
        }

        return Parse(json, limits);
    }

    /// <summary>
    /// The same rules for either front door's body. <see cref="RequestShape.OpenAi"/> also reads OpenAI's
    /// snake_case names (<c>max_tokens</c>, <c>max_completion_tokens</c>, <c>request_id</c>, <c>tool_choice</c>, …)
    /// and keeps every field it does not read for the upstream. Sentences name a field as the caller spelled it.
    /// </summary>
    public static CompletionRequest Parse(JsonElement json, StreamingOptions limits, RequestShape shape)
    {
        try
        {
            return ParseObject(json, limits, shape);
        }
        catch (InvalidOperationException)
        {
            // System.Text.Json refuses to decode a string (or a property name) that holds a lone UTF-16 surrogate.
            throw Invalid("the request holds text that is not valid Unicode (a lone UTF-16 surrogate such as \\ud800)");
        }
    }

    private static CompletionRequest ParseObject(JsonElement json, StreamingOptions limits, RequestShape shape)
    {
        if (json.ValueKind != JsonValueKind.Object)
        {
            throw Invalid("the request must be a JSON object such as { \"prompt\": \"Hello\" }");
        }

        // One copy of the body (none when it is already one) that the kept parts, tools and fields point into.
        json = json.Clone();
        string? requestId = null, prompt = null, model = null, group = null;
        Priority? priority = null;
        int? maxTokens = null;
        var maxTokensName = GenerationOptions.MaxTokensField;
        double? temperature = null;
        var resumable = false;
        List<ChatMessage>? messages = null;
        var options = new GenerationOptionsParser(shape);

        foreach (var property in json.EnumerateObject())
        {
            var value = property.Value;
            var name = Normalize(property.Name, shape);
            if (value.ValueKind == JsonValueKind.Null)
            {
                // Absent, for StreamHub's own fields; an OpenAI caller's other fields go upstream as they are.
                if (shape == RequestShape.OpenAi && !IsOwn(name))
                {
                    options.Forward(property);
                }

                continue;
            }

            switch (name)
            {
                case "requestid":
                    requestId = ValidRequestId(String(value, property.Name), property.Name);
                    break;
                case "messages":
                    messages = ChatMessageParser.ParseAll(value, property.Name, limits, shape);
                    break;
                case "prompt":
                    prompt = String(value, property.Name);
                    if (string.IsNullOrWhiteSpace(prompt))
                    {
                        throw Invalid($"{property.Name} must not be empty");
                    }

                    break;
                case "model":
                    model = String(value, property.Name);
                    if (!ModelShape().IsMatch(model))
                    {
                        throw Invalid($"{property.Name} must be 1 to 128 characters of letters, digits and . _ : / @ -");
                    }

                    break;
                case "priority":
                    priority = ParsePriority(String(value, property.Name), property.Name);
                    break;
                case "maxtokens" or "maxcompletiontokens":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var max) || max < 1 || max > limits.MaxTokensLimit)
                    {
                        throw Invalid($"{property.Name} must be a whole number from 1 to {limits.MaxTokensLimit}");
                    }

                    maxTokens = max;
                    maxTokensName = name == "maxcompletiontokens" ? GenerationOptions.MaxCompletionTokensField : GenerationOptions.MaxTokensField;
                    break;
                case "temperature":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var t) || t < 0 || t > 2 || double.IsNaN(t))
                    {
                        throw Invalid($"{property.Name} must be a number from 0 to 2");
                    }

                    temperature = t;
                    break;
                case "group":
                    group = ValidGroup(String(value, property.Name), property.Name);
                    break;
                case "resumable":
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw Invalid($"{property.Name} must be true or false");
                    }

                    resumable = value.GetBoolean();
                    break;
                case "stream" or "streamoptions" when shape == RequestShape.OpenAi:
                    break; // the front door's to read; StreamHub sets both upstream
                default:
                    if (!options.TryRead(property, name) && shape == RequestShape.OpenAi)
                    {
                        options.Forward(property);
                    }

                    break;
            }
        }

        if (messages is not null && prompt is not null)
        {
            throw Invalid("send either messages or prompt, not both");
        }

        if (messages is null && prompt is null)
        {
            throw Invalid("the request needs messages (a chat history) or a prompt");
        }

        messages ??= [new ChatMessage("user", prompt!)];
        var request = new CompletionRequest(requestId ?? NewRequestId(), messages, model, priority, maxTokens, temperature, group, resumable)
        {
            Options = options.Build(maxTokensName),
        };
        if (request.InputChars is var chars && chars > limits.MaxInputChars)
        {
            throw Invalid($"the input holds {chars} characters; the limit is {limits.MaxInputChars}");
        }

        return request;
    }

    /// <summary>
    /// A field name as the parser's cases spell it: lower case and, in OpenAI's shape, without underscores
    /// (<c>max_completion_tokens</c> and <c>maxCompletionTokens</c> are the same field there).
    /// </summary>
    public static string Normalize(string name, RequestShape shape)
    {
        var lower = name.ToLowerInvariant();
        return shape == RequestShape.OpenAi ? lower.Replace("_", "", StringComparison.Ordinal) : lower;
    }

    public static bool IsRequestId(string value) => RequestIdShape().IsMatch(value);

    public static bool IsGroup(string value) => GroupShape().IsMatch(value);

    public static string NewRequestId() => "r" + Guid.NewGuid().ToString("N")[..20];

    /// <summary>A request id from wherever the front door found it (<paramref name="source"/> names it).</summary>
    public static string ValidRequestId(string value, string source) => RequestIdShape().IsMatch(value)
        ? value
        : throw Invalid($"{source} must be 1 to 64 characters of A-Z, a-z, 0-9, '_' or '-'");

    /// <summary>A group name from wherever the front door found it (<paramref name="source"/> names it).</summary>
    public static string ValidGroup(string value, string source) => GroupShape().IsMatch(value)
        ? value
        : throw Invalid($"{source} must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '-', '.' or ':'");

    public static Priority ParsePriority(string value, string source = "priority") => value.ToLowerInvariant() switch
    {
        "critical" => Priority.Critical,
        "high" => Priority.High,
        "normal" => Priority.Normal,
        "low" => Priority.Low,
        _ => throw Invalid($"{source} must be one of critical, high, normal, low"),
    };

    /// <summary>The fields StreamHub reads and writes itself, never forwarded as they came.</summary>
    private static bool IsOwn(string name) => name is "requestid" or "messages" or "prompt" or "model" or "priority" or "maxtokens"
        or "maxcompletiontokens" or "temperature" or "group" or "resumable" or "stream" or "streamoptions";

    private static string String(JsonElement value, string name) => value.ValueKind == JsonValueKind.String
        ? value.GetString()!
        : throw Invalid(string.Create(CultureInfo.InvariantCulture, $"{name} must be a string"));

    private static StreamHubException Invalid(string sentence) => new(ErrorCodes.InvalidRequest, sentence);

    [GeneratedRegex("^[A-Za-z0-9_-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex RequestIdShape();

    [GeneratedRegex("^[A-Za-z0-9._:/@-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex ModelShape();

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex GroupShape();
}
