using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// The JSON of every chunk and completion one response sends, shaped by the chosen dialect. It writes into a
/// caller-supplied writer so the streaming loop reuses one buffer for the whole response.
/// </summary>
internal sealed class ChunkFormatter(CompletionPlan plan)
{
    private EmulatorDialect Dialect => plan.Fault.Dialect;

    /// <summary>OpenAI and vLLM open with a role-only chunk; the others put the role on the first delta.</summary>
    public bool SendsRoleChunk => Dialect is EmulatorDialect.OpenAi or EmulatorDialect.Vllm;

    public void RoleChunk(Utf8JsonWriter w)
    {
        StartChunk(w);
        StartChoice(w);
        w.WriteString("role", "assistant");
        w.WriteString("content", string.Empty);
        if (Dialect == EmulatorDialect.OpenAi)
        {
            w.WriteNull("refusal");
        }

        EndChoice(w, finishReason: null);
        w.WriteEndObject();
    }

    /// <summary>A reasoning delta: DeepSeek's <c>reasoning_content</c> or Ollama's <c>reasoning</c>.</summary>
    public void ReasoningChunk(Utf8JsonWriter w, string text, bool withRole)
    {
        StartChunk(w);
        StartChoice(w);
        if (withRole)
        {
            w.WriteString("role", "assistant");
        }

        if (Dialect == EmulatorDialect.DeepSeek)
        {
            w.WriteNull("content");
            RawJson.WriteString(w, "reasoning_content", text);
        }
        else
        {
            w.WriteString("content", string.Empty);
            RawJson.WriteString(w, "reasoning", text);
        }

        EndChoice(w, finishReason: null);
        w.WriteEndObject();
    }

    public void ContentChunk(Utf8JsonWriter w, string text, bool withRole)
    {
        // Benchmarks on the same machine subtract this from their own Stopwatch on arrival.
        var emitted = Stopwatch.GetTimestamp();
        StartChunk(w);
        StartChoice(w);
        if (withRole)
        {
            w.WriteString("role", "assistant");
        }

        RawJson.WriteString(w, "content", plan.Fault.StampText ? string.Create(CultureInfo.InvariantCulture, $"{text}@{emitted}") : text);
        if (Dialect == EmulatorDialect.DeepSeek)
        {
            w.WriteNull("reasoning_content");
        }

        EndChoice(w, finishReason: null);
        w.WriteNumber("x_emit_ts", emitted);
        w.WriteEndObject();
    }

    public void ToolCallChunk(Utf8JsonWriter w)
    {
        StartChunk(w);
        StartChoice(w);
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteString("id", plan.Id.Replace("chatcmpl", "call", StringComparison.Ordinal));
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", "lookup");
        w.WriteString("arguments", "{\"query\":\"emulator\"}");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        EndChoice(w, finishReason: null);
        w.WriteEndObject();
    }

    /// <summary>The empty delta with the finish reason; DeepSeek also carries usage here.</summary>
    public void FinishChunk(Utf8JsonWriter w, int completionTokens)
    {
        StartChunk(w);
        StartChoice(w);
        EndChoice(w, plan.FinishReason);
        if (UsageOnFinish)
        {
            WriteUsage(w, completionTokens);
        }

        w.WriteEndObject();
    }

    /// <summary>DeepSeek reports usage on its finish chunk instead of a separate usage chunk.</summary>
    public bool UsageOnFinish => Dialect == EmulatorDialect.DeepSeek;

    public void UsageChunk(Utf8JsonWriter w, int completionTokens)
    {
        StartChunk(w);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        WriteUsage(w, completionTokens);
        w.WriteEndObject();
    }

    /// <summary>vLLM's mid-stream failure: an error object in place of a chunk.</summary>
    public static void ErrorEvent(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", "Emulated failure while generating the response.");
        w.WriteString("type", "internal_error");
        w.WriteNumber("code", 500);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The non-streaming <c>chat.completion</c> object.</summary>
    public void Completion(Utf8JsonWriter w, string text, int completionTokens)
    {
        w.WriteStartObject();
        w.WriteString("id", plan.Id);
        w.WriteString("object", "chat.completion");
        w.WriteNumber("created", plan.Created);
        w.WriteString("model", plan.Model);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("message");
        w.WriteString("role", "assistant");
        RawJson.WriteString(w, "content", text);
        w.WriteEndObject();
        w.WriteNull("logprobs");
        w.WriteString("finish_reason", plan.FinishReason);
        w.WriteEndObject();
        w.WriteEndArray();
        WriteUsage(w, completionTokens);
        w.WriteEndObject();
    }

    private void StartChunk(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", plan.Id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", plan.Created);
        w.WriteString("model", plan.Model);
        if (Dialect == EmulatorDialect.OpenAi)
        {
            w.WriteString("system_fingerprint", "fp_emulator");
        }
    }

    private static void StartChoice(Utf8JsonWriter w)
    {
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
    }

    private void EndChoice(Utf8JsonWriter w, string? finishReason)
    {
        w.WriteEndObject();
        w.WriteNull("logprobs");
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }

        if (Dialect == EmulatorDialect.Vllm && finishReason is not null)
        {
            w.WriteNull("stop_reason");
        }

        w.WriteEndObject();
        w.WriteEndArray();
    }

    private void WriteUsage(Utf8JsonWriter w, int completionTokens)
    {
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", plan.PromptTokens);
        w.WriteNumber("completion_tokens", completionTokens);
        w.WriteNumber("total_tokens", plan.PromptTokens + completionTokens);
        w.WriteEndObject();
    }
}
