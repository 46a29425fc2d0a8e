using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Reads a chunk's <c>usage</c>: the three counts, <c>prompt_tokens_details.cached_tokens</c> and
/// <c>completion_tokens_details.reasoning_tokens</c> (OpenAI, DeepSeek, vLLM; either may be <c>null</c>), and
/// DeepSeek's own <c>prompt_cache_hit_tokens</c> when the details are absent. <c>"usage": null</c> (vLLM on
/// ordinary chunks) is no usage.
/// </summary>
internal static class UsageParser
{
    public static UsageInfo? Parse(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int prompt = 0, completion = 0, total = 0, reasoning = 0;
        int? cached = null, cacheHit = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                reader.Read();
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                reader.Read();
                completion = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                reader.Read();
                total = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                reader.Read();
                cached = ReadDetail(ref reader, "cached_tokens"u8);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                reader.Read();
                reasoning = ReadDetail(ref reader, "reasoning_tokens"u8) ?? 0;
            }
            else if (reader.ValueTextEquals("prompt_cache_hit_tokens"u8))
            {
                reader.Read();
                cacheHit = ReadInt(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new UsageInfo(prompt, completion, total == 0 ? prompt + completion : total, cached ?? cacheHit ?? 0, reasoning);
    }

    /// <summary>One count inside a details object; null when the object (or the count) is absent.</summary>
    private static int? ReadDetail(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int? value = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var wanted = reader.ValueTextEquals(name);
            reader.Read();
            if (wanted)
            {
                value = ReadInt(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        return value;
    }

    private static int ReadInt(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : 0;
}
