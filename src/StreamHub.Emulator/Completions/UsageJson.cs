using System.Text.Json;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// The <c>usage</c> object. The details (<c>prompt_tokens_details.cached_tokens</c>,
/// <c>completion_tokens_details.reasoning_tokens</c>) appear when the OpenAI or DeepSeek dialect is played or
/// either count is non-zero; DeepSeek adds its own <c>prompt_cache_hit_tokens</c> and <c>prompt_cache_miss_tokens</c>.
/// </summary>
internal static class UsageJson
{
    public static void Write(Utf8JsonWriter w, CompletionPlan plan)
    {
        var dialect = plan.Fault.Dialect;
        var completion = plan.CompletionTokens;
        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", plan.PromptTokens);
        w.WriteNumber("completion_tokens", completion);
        w.WriteNumber("total_tokens", plan.PromptTokens + completion);
        if (dialect is EmulatorDialect.OpenAi or EmulatorDialect.DeepSeek || plan.CachedTokens > 0 || plan.ReasoningTokens > 0)
        {
            w.WriteStartObject("prompt_tokens_details");
            w.WriteNumber("cached_tokens", plan.CachedTokens);
            if (dialect == EmulatorDialect.OpenAi)
            {
                w.WriteNumber("audio_tokens", 0);
            }

            w.WriteEndObject();
            w.WriteStartObject("completion_tokens_details");
            w.WriteNumber("reasoning_tokens", plan.ReasoningTokens);
            if (dialect == EmulatorDialect.OpenAi)
            {
                w.WriteNumber("audio_tokens", 0);
                w.WriteNumber("accepted_prediction_tokens", 0);
                w.WriteNumber("rejected_prediction_tokens", 0);
            }

            w.WriteEndObject();
        }

        if (dialect == EmulatorDialect.DeepSeek)
        {
            w.WriteNumber("prompt_cache_hit_tokens", plan.CachedTokens);
            w.WriteNumber("prompt_cache_miss_tokens", plan.PromptTokens - plan.CachedTokens);
        }

        w.WriteEndObject();
    }
}
