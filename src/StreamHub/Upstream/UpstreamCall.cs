using System.Text.Encodings.Web;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// What StreamHub asks of an upstream region: the validated request, in the upstream's terms. The body is
/// written for a given upstream model name (regions may call the same model differently); <see cref="RequestBodies"/>
/// writes it once per name for every attempt of an open.
/// </summary>
internal sealed record UpstreamCall(IReadOnlyList<ChatMessage> Messages, string Model, int? MaxTokens, double? Temperature)
{
    // The body is JSON for an API, never HTML: text, data URLs and non-Latin scripts stay as they are instead of \uXXXX.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Tools, format, stop sequences, sampling and further fields, written after StreamHub's own.</summary>
    public GenerationOptions Options { get; init; } = GenerationOptions.None;

    /// <summary>The call for a validated request; <paramref name="model"/> is the client-facing name it asks for.</summary>
    public static UpstreamCall For(CompletionRequest request, string model)
        => new(request.Messages, model, request.MaxTokens, request.Temperature) { Options = request.Options };

    /// <summary>
    /// The OpenAI chat-completion body with <paramref name="model"/> as the upstream's model name. StreamHub sets
    /// <c>model</c>, <c>stream</c>, <c>stream_options</c> and the token limit (under the name the caller used);
    /// messages, parts, tool calls, tools and every further field go as the caller sent them.
    /// </summary>
    public byte[] ToRequestBody(string model)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, model);
            writer.WriteStartArray("messages"u8);
            foreach (var message in Messages)
            {
                WriteMessage(writer, message);
            }

            writer.WriteEndArray();
            writer.WriteBoolean("stream"u8, true);
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
            if (MaxTokens is { } maxTokens)
            {
                writer.WriteNumber(Options.MaxTokensName, maxTokens);
            }

            if (Temperature is { } temperature)
            {
                writer.WriteNumber("temperature"u8, temperature);
            }

            WriteOptions(writer, Options);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, message.Role);
        if (message.Parts is { } parts)
        {
            writer.WriteStartArray("content"u8);
            foreach (var part in parts)
            {
                part.Json.WriteTo(writer);
            }

            writer.WriteEndArray();
        }
        else if (message.Content is { } content)
        {
            writer.WriteString("content"u8, content);
        }
        else if (!message.ContentAbsent)
        {
            writer.WriteNull("content"u8);
        }

        if (message.ToolCalls is { } calls)
        {
            writer.WriteStartArray("tool_calls"u8);
            foreach (var call in calls)
            {
                WriteToolCall(writer, call);
            }

            writer.WriteEndArray();
        }

        if (message.ToolCallId is { } toolCallId)
        {
            writer.WriteString("tool_call_id"u8, toolCallId);
        }

        if (message.Name is { } name)
        {
            writer.WriteString("name"u8, name);
        }

        WriteFields(writer, message.Extra);
        writer.WriteEndObject();
    }

    private static void WriteToolCall(Utf8JsonWriter writer, ToolCall call)
    {
        if (call.Json is { } json)
        {
            json.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        writer.WriteString("id"u8, call.Id);
        writer.WriteString("type"u8, call.Type);
        if (call.Function is { } function)
        {
            writer.WriteStartObject("function"u8);
            writer.WriteString("name"u8, function.Name);
            writer.WriteString("arguments"u8, function.Arguments);
            writer.WriteEndObject();
        }

        writer.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter writer, GenerationOptions options)
    {
        WriteJson(writer, "tools"u8, options.Tools);
        WriteJson(writer, "tool_choice"u8, options.ToolChoice);
        WriteJson(writer, "response_format"u8, options.ResponseFormat);
        WriteJson(writer, "stop"u8, options.Stop);
        if (options.Seed is { } seed)
        {
            writer.WriteNumber("seed"u8, seed);
        }

        if (options.TopP is { } topP)
        {
            writer.WriteNumber("top_p"u8, topP);
        }

        if (options.ReasoningEffort is { } effort)
        {
            writer.WriteString("reasoning_effort"u8, effort);
        }

        WriteFields(writer, options.Extra);
    }

    private static void WriteJson(Utf8JsonWriter writer, ReadOnlySpan<byte> name, JsonElement? value)
    {
        if (value is { } json)
        {
            writer.WritePropertyName(name);
            json.WriteTo(writer);
        }
    }

    private static void WriteFields(Utf8JsonWriter writer, IReadOnlyDictionary<string, JsonElement>? fields)
    {
        if (fields is null)
        {
            return;
        }

        foreach (var (name, value) in fields)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    }
}
