using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>OpenAI's <c>usage</c> object, details included, written once for both answer shapes.</summary>
internal static class OpenAiUsage
{
    public static void Write(Utf8JsonWriter json, UsageReport usage)
    {
        json.WriteStartObject("usage"u8);
        json.WriteNumber("prompt_tokens"u8, usage.PromptTokens);
        json.WriteNumber("completion_tokens"u8, usage.CompletionTokens);
        json.WriteNumber("total_tokens"u8, usage.TotalTokens);
        json.WriteStartObject("prompt_tokens_details"u8);
        json.WriteNumber("cached_tokens"u8, usage.CachedPromptTokens);
        json.WriteEndObject();
        json.WriteStartObject("completion_tokens_details"u8);
        json.WriteNumber("reasoning_tokens"u8, usage.ReasoningTokens);
        json.WriteEndObject();
        json.WriteEndObject();
    }
}
