using System.Text.Json;

namespace StreamHub.Upstream;

/// <summary>
/// Anthropic's extended thinking in OpenAI's terms and back: <c>reasoning_effort</c> <c>low</c>, <c>medium</c>,
/// <c>high</c> asks for a thinking budget of 1,024, 4,096 and 16,384 tokens (<c>minimal</c> and <c>none</c>, and
/// any other word, for none), kept below the request's <c>max_tokens</c>, which Anthropic counts thinking in; with
/// <c>max_tokens</c> of 1,024 or less there is no room for Anthropic's smallest budget and no thinking is asked
/// for. The other way, a budget below 4,096 is <c>low</c>, below 16,384 <c>medium</c>, else <c>high</c>;
/// <c>adaptive</c> thinking is <c>medium</c>.
/// </summary>
internal static class ThinkingBudget
{
    /// <summary>Anthropic's smallest thinking budget.</summary>
    public const int Minimum = 1024;

    public const int Medium = 4096;

    public const int High = 16_384;

    /// <summary>The budget for <paramref name="effort"/> within <paramref name="maxTokens"/>, or null for no thinking.</summary>
    public static int? For(string? effort, int maxTokens)
    {
        int? wanted = effort?.ToLowerInvariant() switch
        {
            "low" => Minimum,
            "medium" => Medium,
            "high" => High,
            _ => null,
        };
        return wanted is { } budget && maxTokens > Minimum ? Math.Min(budget, maxTokens - 1) : null;
    }

    /// <summary>The <c>reasoning_effort</c> for an Anthropic <c>thinking</c> object, or null when it asks for none.</summary>
    public static string? EffortOf(JsonElement thinking)
    {
        if (thinking.ValueKind != JsonValueKind.Object || !thinking.TryGetProperty("type"u8, out var type))
        {
            return null;
        }

        if (type.ValueEquals("adaptive"u8))
        {
            return "medium";
        }

        if (!type.ValueEquals("enabled"u8))
        {
            return null;
        }

        var budget = thinking.TryGetProperty("budget_tokens"u8, out var tokens) && tokens.TryGetInt32(out var n) ? n : Medium;
        return budget < Medium ? "low" : budget < High ? "medium" : "high";
    }
}
