using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Writes the OpenAI chat-completion body of an <see cref="UpstreamCall"/>. StreamHub sets <c>model</c>, <c>stream</c>,
/// <c>stream_options</c> and the token limit (under the name the caller used); messages, parts, tool calls, tools and
/// every further field go as the caller sent them. What came from <c>/v1/messages</c> in Anthropic's terms (tools,
/// tool choice, further fields, thinking blocks) is translated by <see cref="AnthropicOptionsForOpenAi"/>.
/// </summary>
internal static class OpenAiRequestWriter
{
    public static void Write(Utf8JsonWriter writer, UpstreamCall call, string model)
    {
        writer.WriteStartObject();
        writer.WriteString("model"u8, model);
        writer.WriteStartArray("messages"u8);
        foreach (var message in call.Messages)
        {
            WriteMessage(writer, message);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("stream"u8, true);
        writer.WriteStartObject("stream_options"u8);
        writer.WriteBoolean("include_usage"u8, true);
        writer.WriteEndObject();
        if (call.MaxTokens is { } maxTokens)
        {
            writer.WriteNumber(call.Options.MaxTokensName, maxTokens);
        }

        if (call.Temperature is { } temperature)
        {
            writer.WriteNumber("temperature"u8, temperature);
        }

        WriteOptions(writer, call.Options);
        writer.WriteEndObject();
    }

    private static void WriteMessage(Utf8JsonWriter writer, ChatMessage message)
    {
        writer.WriteStartObject();
        writer.WriteString("role"u8, message.Role);
        if (message.Parts is { } parts)
        {
            WriteParts(writer, message, parts);
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

        WriteMessageFields(writer, message);
        writer.WriteEndObject();
    }

    /// <summary>The parts as they came, but Anthropic's thinking blocks (from <c>/v1/messages</c>), which no OpenAI upstream takes back.</summary>
    private static void WriteParts(Utf8JsonWriter writer, ChatMessage message, IReadOnlyList<ContentPart> parts)
    {
        var kept = 0;
        foreach (var part in parts)
        {
            kept += AnthropicOptionsForOpenAi.IsThinking(part) ? 0 : 1;
        }

        if (kept == 0)
        {
            if (message.ToolCalls is null)
            {
                writer.WriteString("content"u8, ""u8);
            }
            else
            {
                writer.WriteNull("content"u8);
            }

            return;
        }

        writer.WriteStartArray("content"u8);
        foreach (var part in parts)
        {
            if (!AnthropicOptionsForOpenAi.IsThinking(part))
            {
                part.Json.WriteTo(writer);
            }
        }

        writer.WriteEndArray();
    }

    /// <summary>A message's further fields; a tool result's <c>is_error</c> (Anthropic's) has no OpenAI counterpart.</summary>
    private static void WriteMessageFields(Utf8JsonWriter writer, ChatMessage message)
    {
        if (message.Extra is null)
        {
            return;
        }

        foreach (var (name, value) in message.Extra)
        {
            if (name != AnthropicOptionsForOpenAi.IsErrorField)
            {
                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }
        }
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
        if (options.Tools is { } tools)
        {
            writer.WritePropertyName("tools"u8);
            AnthropicOptionsForOpenAi.WriteTools(writer, tools);
        }

        if (options.ToolChoice is { } choice)
        {
            writer.WritePropertyName("tool_choice"u8);
            AnthropicOptionsForOpenAi.WriteToolChoice(writer, choice);
        }

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

        if (options.FieldsDialect == Dialect.Anthropic)
        {
            AnthropicOptionsForOpenAi.WriteFields(writer, options);
        }
        else
        {
            WriteFields(writer, options.Extra);
        }
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
