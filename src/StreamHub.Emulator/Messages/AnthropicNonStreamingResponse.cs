using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using StreamHub.Emulator.Completions;

namespace StreamHub.Emulator.Messages;

/// <summary>
/// Writes one <c>stream: false</c> Messages API answer after the time the stream would have taken: one
/// <c>message</c> with its thinking, text and tool_use blocks. As on the OpenAI side, <c>drop-after</c> aborts
/// and <c>stall-after</c> (or <c>keepalive-stall-after</c>) never answers.
/// </summary>
internal static class AnthropicNonStreamingResponse
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns true when the response ended by aborting the connection.</summary>
    public static async Task<bool> WriteAsync(HttpContext http, AnthropicPlan plan, TimeProvider time, CancellationToken ct)
    {
        var count = plan.Reply.AnswerTokens + plan.Reply.Reasoning.Count;
        await Task.Delay(plan.FirstTokenDelay + TimeSpan.FromSeconds(Math.Max(0, count - 1) / plan.TokensPerSecond), time, ct);
        if (plan.Fault.DropAfter is not null)
        {
            http.Abort();
            return true;
        }

        if (plan.Fault.StallAfter is not null || plan.Fault.KeepaliveStallAfter is not null)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            Message(w, plan);
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
        return false;
    }

    private static void Message(Utf8JsonWriter w, AnthropicPlan plan)
    {
        w.WriteStartObject();
        w.WriteString("id", plan.Id);
        w.WriteString("type", "message");
        w.WriteString("role", "assistant");
        w.WriteString("model", plan.Model);
        w.WriteStartArray("content");
        if (plan.Reply.Reasoning.Count > 0)
        {
            w.WriteStartObject();
            w.WriteString("type", "thinking");
            RawJson.WriteString(w, "thinking", string.Concat(plan.Reply.Reasoning));
            w.WriteString("signature", plan.Signature);
            w.WriteEndObject();
        }

        if (plan.HasTextBlock)
        {
            w.WriteStartObject();
            w.WriteString("type", "text");
            RawJson.WriteString(w, "text", string.Concat(plan.Text));
            w.WriteEndObject();
        }

        foreach (var call in plan.Reply.ToolCalls)
        {
            w.WriteStartObject();
            w.WriteString("type", "tool_use");
            w.WriteString("id", call.Id);
            w.WriteString("name", call.Name);
            w.WritePropertyName("input");
            w.WriteRawValue(call.Arguments);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteString("stop_reason", plan.StopReason);
        AnthropicEvents.StopSequence(w, plan);
        AnthropicEvents.Usage(w, plan, plan.OutputTokens);
        w.WriteEndObject();
    }
}
