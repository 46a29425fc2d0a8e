using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamHub.Emulator.Conversation;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// The JSON of every chunk one streamed response sends, shaped by the chosen dialect. It writes into a
/// caller-supplied writer so the streaming loop reuses one buffer for the whole response.
/// </summary>
internal sealed class ChunkFormatter(CompletionPlan plan)
{
    private EmulatorDialect Dialect => plan.Fault.Dialect;

    /// <summary>OpenAI and vLLM open with a role-only chunk; the others put the role on the first delta.</summary>
    public bool SendsRoleChunk => Dialect is EmulatorDialect.OpenAi or EmulatorDialect.Vllm;

    /// <summary>DeepSeek reports usage on its finish chunk instead of a separate usage chunk.</summary>
    public bool UsageOnFinish => Dialect == EmulatorDialect.DeepSeek;

    public void RoleChunk(Utf8JsonWriter w)
    {
        StartDelta(w, withRole: true);
        w.WriteString("content", string.Empty);
        if (Dialect == EmulatorDialect.OpenAi)
        {
            w.WriteNull("refusal");
        }

        EndChunk(w, finishReason: null);
    }

    /// <summary>A reasoning delta: <c>reasoning_content</c> (DeepSeek and others) or Ollama's <c>reasoning</c>.</summary>
    public void ReasoningChunk(Utf8JsonWriter w, string text, bool withRole)
    {
        StartDelta(w, withRole);
        if (Dialect == EmulatorDialect.Ollama)
        {
            w.WriteString("content", string.Empty);
        }
        else
        {
            w.WriteNull("content");
        }

        RawJson.WriteString(w, plan.ReasoningField, text);
        EndChunk(w, finishReason: null);
    }

    public void ContentChunk(Utf8JsonWriter w, string text, bool withRole)
    {
        // Benchmarks on the same machine subtract this from their own Stopwatch on arrival.
        var emitted = Stopwatch.GetTimestamp();
        StartDelta(w, withRole);
        RawJson.WriteString(w, "content", plan.Fault.StampText ? string.Create(CultureInfo.InvariantCulture, $"{text}@{emitted}") : text);
        if (Dialect == EmulatorDialect.DeepSeek)
        {
            w.WriteNull("reasoning_content");
        }

        EndChoice(w, finishReason: null);
        w.WriteNumber("x_emit_ts", emitted);
        w.WriteEndObject();
    }

    public void RefusalChunk(Utf8JsonWriter w, string text, bool withRole)
    {
        StartDelta(w, withRole);
        if (withRole)
        {
            w.WriteNull("content");
        }

        RawJson.WriteString(w, "refusal", text);
        EndChunk(w, finishReason: null);
    }

    /// <summary>A call's first delta: index, id, type and name; the arguments too when they come whole.</summary>
    public void ToolStartChunk(Utf8JsonWriter w, ToolCallPlan call, bool whole, bool withRole)
    {
        StartDelta(w, withRole);
        if (withRole)
        {
            w.WriteNull("content");
        }

        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", call.Index);
        w.WriteString("id", call.Id);
        w.WriteString("type", "function");
        w.WriteStartObject("function");
        w.WriteString("name", call.Name);
        RawJson.WriteString(w, "arguments", whole ? call.Arguments : string.Empty);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        EndChunk(w, finishReason: null);
    }

    /// <summary>The next fragment of one call's arguments.</summary>
    public void ToolArgumentsChunk(Utf8JsonWriter w, int index, string fragment)
    {
        StartDelta(w, withRole: false);
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        w.WriteStartObject("function");
        RawJson.WriteString(w, "arguments", fragment);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
        EndChunk(w, finishReason: null);
    }

    /// <summary>The empty delta with the finish reason; DeepSeek also carries usage here.</summary>
    public void FinishChunk(Utf8JsonWriter w)
    {
        StartChunk(w);
        StartChoice(w);
        EndChoice(w, plan.FinishReason);
        if (UsageOnFinish)
        {
            UsageJson.Write(w, plan);
        }

        w.WriteEndObject();
    }

    public void UsageChunk(Utf8JsonWriter w)
    {
        StartChunk(w);
        w.WriteStartArray("choices");
        w.WriteEndArray();
        UsageJson.Write(w, plan);
        w.WriteEndObject();
    }

    private void StartDelta(Utf8JsonWriter w, bool withRole)
    {
        StartChunk(w);
        StartChoice(w);
        if (withRole)
        {
            w.WriteString("role", "assistant");
        }
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

    private void EndChunk(Utf8JsonWriter w, string? finishReason)
    {
        EndChoice(w, finishReason);
        w.WriteEndObject();
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
}
