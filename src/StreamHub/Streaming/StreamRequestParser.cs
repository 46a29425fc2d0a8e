using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// Turns the raw request argument into a <see cref="CompletionRequest"/>, or an <c>invalid_request</c>
/// error that says exactly what to fix. Property names match case-insensitively; unknown ones are ignored.
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
    /// snake_case names (<c>max_tokens</c>, <c>max_completion_tokens</c>, <c>request_id</c>) and names the
    /// field as the caller spelled it in its sentence.
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

        string? requestId = null, prompt = null, model = null, group = null;
        Priority? priority = null;
        int? maxTokens = null;
        double? temperature = null;
        var resumable = false;
        List<ChatMessage>? messages = null;

        foreach (var property in json.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
            {
                continue;
            }

            var name = property.Name.ToLowerInvariant();
            if (shape == RequestShape.OpenAi)
            {
                name = name.Replace("_", "", StringComparison.Ordinal) switch
                {
                    "maxcompletiontokens" => "maxtokens",
                    var plain => plain,
                };
            }

            switch (name)
            {
                case "requestid":
                    requestId = ValidRequestId(String(value, property.Name), property.Name);
                    break;
                case "messages":
                    messages = Messages(value, limits);
                    break;
                case "prompt":
                    prompt = String(value, "prompt");
                    if (string.IsNullOrWhiteSpace(prompt))
                    {
                        throw Invalid("prompt must not be empty");
                    }

                    break;
                case "model":
                    model = String(value, "model");
                    if (!ModelShape().IsMatch(model))
                    {
                        throw Invalid("model must be 1 to 128 characters of letters, digits and . _ : / @ -");
                    }

                    break;
                case "priority":
                    priority = ParsePriority(String(value, "priority"));
                    break;
                case "maxtokens":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var max) || max < 1 || max > limits.MaxTokensLimit)
                    {
                        throw Invalid($"{(shape == RequestShape.OpenAi ? property.Name : "maxTokens")} must be a whole number from 1 to {limits.MaxTokensLimit}");
                    }

                    maxTokens = max;
                    break;
                case "temperature":
                    if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var t) || t < 0 || t > 2 || double.IsNaN(t))
                    {
                        throw Invalid("temperature must be a number from 0 to 2");
                    }

                    temperature = t;
                    break;
                case "group":
                    group = ValidGroup(String(value, "group"), "group");
                    break;
                case "resumable":
                    if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
                    {
                        throw Invalid("resumable must be true or false");
                    }

                    resumable = value.GetBoolean();
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
        var chars = 0;
        foreach (var message in messages)
        {
            chars += message.Content.Length;
        }

        if (chars > limits.MaxInputChars)
        {
            throw Invalid($"the input holds {chars} characters; the limit is {limits.MaxInputChars}");
        }

        return new CompletionRequest(
            requestId ?? NewRequestId(), messages, model, priority, maxTokens, temperature, group, resumable);
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

    private static List<ChatMessage> Messages(JsonElement value, StreamingOptions limits)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Invalid("messages must be an array of { role, content }");
        }

        var count = value.GetArrayLength();
        if (count == 0)
        {
            throw Invalid("messages must not be empty");
        }

        if (count > limits.MaxMessages)
        {
            throw Invalid($"messages holds {count} items; the limit is {limits.MaxMessages}");
        }

        var list = new List<ChatMessage>(count);
        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw Invalid($"messages[{index}] must be an object with role and content");
            }

            string? role = null, content = null;
            foreach (var property in item.EnumerateObject())
            {
                if (property.NameEquals("role") || property.Name.Equals("role", StringComparison.OrdinalIgnoreCase))
                {
                    role = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                }
                else if (property.Name.Equals("content", StringComparison.OrdinalIgnoreCase))
                {
                    content = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : null;
                }
            }

            var normalized = role?.ToLowerInvariant();
            if (normalized is not ("system" or "user" or "assistant"))
            {
                throw Invalid($"messages[{index}].role must be system, user or assistant");
            }

            if (string.IsNullOrWhiteSpace(content))
            {
                throw Invalid($"messages[{index}].content must be a non-empty string");
            }

            list.Add(new ChatMessage(normalized, content));
            index++;
        }

        return list;
    }

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
