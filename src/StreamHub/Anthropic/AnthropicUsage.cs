using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Anthropic;

/// <summary>Anthropic's <c>usage</c> and <c>stop_reason</c>, written once for both answer shapes.</summary>
internal static class AnthropicUsage
{
    /// <summary>
    /// <c>input_tokens</c> are the prompt tokens neither read from nor written to the cache, as Anthropic counts them
    /// (the pipeline's prompt count holds both, as OpenAI's does).
    /// </summary>
    public static void Write(Utf8JsonWriter json, UsageReport? usage)
    {
        json.WriteStartObject("usage"u8);
        if (usage is null)
        {
            json.WriteNumber("input_tokens"u8, 0);
            json.WriteNumber("output_tokens"u8, 0);
        }
        else
        {
            json.WriteNumber("input_tokens"u8, Math.Max(0, usage.PromptTokens - usage.CachedPromptTokens - usage.CacheWriteTokens));
            json.WriteNumber("cache_creation_input_tokens"u8, usage.CacheWriteTokens);
            json.WriteNumber("cache_read_input_tokens"u8, usage.CachedPromptTokens);
            json.WriteNumber("output_tokens"u8, usage.CompletionTokens);
        }

        json.WriteEndObject();
    }

    /// <summary>The finish reason as Anthropic's <c>stop_reason</c>.</summary>
    public static string StopReasonOf(string? finishReason) => finishReason switch
    {
        "length" => "max_tokens",
        "tool_calls" => "tool_use",
        "content_filter" => "refusal",
        _ => "end_turn",
    };
}
