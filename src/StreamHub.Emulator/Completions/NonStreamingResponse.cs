using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// Writes one <c>stream: false</c> answer after the time the stream would have taken: the same reply as one
/// <c>chat.completion</c> (<c>message.content</c>, <c>tool_calls</c>, <c>refusal</c>, reasoning). Of the
/// mid-stream faults only the ones a whole-body answer can show apply: <c>drop-after</c> aborts and
/// <c>stall-after</c> (or <c>keepalive-stall-after</c>) never answers.
/// </summary>
internal static class NonStreamingResponse
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns true when the response ended by aborting the connection.</summary>
    public static async Task<bool> WriteAsync(HttpContext http, CompletionPlan plan, TimeProvider time, CancellationToken ct)
    {
        var count = plan.Reply.AnswerTokens + plan.Reply.Reasoning.Count;
        var generation = plan.FirstTokenDelay + TimeSpan.FromSeconds(Math.Max(0, count - 1) / plan.TokensPerSecond);
        await Task.Delay(generation, time, ct);

        var fault = plan.Fault;
        if (fault.DropAfter is not null)
        {
            http.Abort();
            return true;
        }

        if (fault.StallAfter is not null || fault.KeepaliveStallAfter is not null)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            Completion(writer, plan);
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
        return false;
    }

    private static void Completion(Utf8JsonWriter w, CompletionPlan plan)
    {
        var reply = plan.Reply;
        w.WriteStartObject();
        w.WriteString("id", plan.Id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", plan.Created);
        w.WriteString("model", plan.Model);
        if (plan.Fault.Dialect == EmulatorDialect.OpenAi)
        {
            w.WriteString("system_fingerprint", "fp_emulator");
        }

        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        if (reply.Content.Count == 0 && (reply.ToolCalls.Count > 0 || reply.Refusal.Count > 0))
        {
            w.WriteNull("content");
        }
        else
        {
            RawJson.WriteString(w, "content", string.Concat(reply.Content));
        }

        if (reply.Refusal.Count > 0)
        {
            RawJson.WriteString(w, "refusal", string.Concat(reply.Refusal));
        }
        else if (plan.Fault.Dialect == EmulatorDialect.OpenAi)
        {
            w.WriteNull("refusal");
        }

        if (reply.Reasoning.Count > 0)
        {
            RawJson.WriteString(w, plan.ReasoningField, string.Concat(reply.Reasoning));
        }

        if (reply.ToolCalls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in reply.ToolCalls)
            {
                w.WriteStartObject();
                w.WriteString("id", call.Id);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", call.Name);
                RawJson.WriteString(w, "arguments", call.Arguments);
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", plan.FinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        UsageJson.Write(w, plan);
        w.WriteEndObject();
    }
}
