using System.Text.Json;
using StreamHub.Emulator.Completions;

namespace StreamHub.Emulator.Messages;

/// <summary>The data of each streamed Messages API event, as Anthropic sends it; the event name equals its <c>type</c>.</summary>
internal static class AnthropicEvents
{
    public static void MessageStart(Utf8JsonWriter w, AnthropicPlan plan)
    {
        w.WriteStartObject();
        w.WriteString("type", "message_start");
        w.WriteStartObject("message");
        w.WriteString("id", plan.Id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteStartArray("content");
        w.WriteEndArray();
        w.WriteString("model", plan.Model);
        w.WriteNull("stop_reason");
        w.WriteNull("stop_sequence");
        Usage(w, plan, outputTokens: 1);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void BlockStart(Utf8JsonWriter w, AnthropicStep step)
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_start");
        w.WriteNumber("index", step.Index);
        w.WriteStartObject("content_block");
        w.WriteString("type", step.Block);
        switch (step.Block)
        {
            case "thinking":
                w.WriteString("thinking", string.Empty);
                w.WriteString("signature", string.Empty);
                break;
            case "tool_use":
                w.WriteString("id", step.Call!.Id);
                w.WriteString("name", step.Call.Name);
                w.WriteStartObject("input");
                w.WriteEndObject();
                break;
            default:
                w.WriteString("text", string.Empty);
                break;
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>A <c>content_block_delta</c>: <c>text_delta</c>, <c>thinking_delta</c>, <c>signature_delta</c> or <c>input_json_delta</c>.</summary>
    public static void Delta(Utf8JsonWriter w, AnthropicStep step)
    {
        var (type, field) = step.Kind switch
        {
            AnthropicStepKind.Thinking => ("thinking_delta", "thinking"),
            AnthropicStepKind.Signature => ("signature_delta", "signature"),
            AnthropicStepKind.InputJson => ("input_json_delta", "partial_json"),
            _ => ("text_delta", "text"),
        };
        w.WriteStartObject();
        w.WriteString("type", "content_block_delta");
        w.WriteNumber("index", step.Index);
        w.WriteStartObject("delta");
        w.WriteString("type", type);
        RawJson.WriteString(w, field, step.Text);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void BlockStop(Utf8JsonWriter w, int index)
    {
        w.WriteStartObject();
        w.WriteString("type", "content_block_stop");
        w.WriteNumber("index", index);
        w.WriteEndObject();
    }

    public static void MessageDelta(Utf8JsonWriter w, AnthropicPlan plan)
    {
        w.WriteStartObject();
        w.WriteString("type", "message_delta");
        w.WriteStartObject("delta");
        w.WriteString("stop_reason", plan.StopReason);
        StopSequence(w, plan);
        w.WriteEndObject();
        w.WriteStartObject("usage");
        w.WriteNumber("output_tokens", plan.OutputTokens);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    public static void MessageStop(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("type", "message_stop");
        w.WriteEndObject();
    }

    public static void Usage(Utf8JsonWriter w, AnthropicPlan plan, int outputTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("input_tokens", plan.InputTokens);
        w.WriteNumber("cache_creation_input_tokens", plan.CacheCreationTokens);
        w.WriteNumber("cache_read_input_tokens", plan.CacheReadTokens);
        w.WriteNumber("output_tokens", outputTokens);
        w.WriteEndObject();
    }

    public static void StopSequence(Utf8JsonWriter w, AnthropicPlan plan)
    {
        if (plan.Reply.StopSequence is { } stop)
        {
            RawJson.WriteString(w, "stop_sequence", stop);
        }
        else
        {
            w.WriteNull("stop_sequence");
        }
    }
}
