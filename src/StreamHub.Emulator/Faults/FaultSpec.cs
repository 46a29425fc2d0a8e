using System.Globalization;

namespace StreamHub.Emulator.Faults;

/// <summary>
/// A parsed fault spec: space-separated <c>key</c> or <c>key=value</c> items, e.g.
/// <c>status=429 retry-after=2</c> or <c>tps=50 drop-after=3 split-utf8</c>. Unknown keys are errors, so a
/// typo in a test fails loudly instead of testing the happy path.
/// </summary>
internal sealed class FaultSpec
{
    public static readonly FaultSpec None = new();

    public int? Status { get; private set; }
    public int? RetryAfterSeconds { get; private set; }
    public int? RetryAfterMs { get; private set; }
    public int? RetryAfterDateSeconds { get; private set; }
    public int? HeaderDelayMs { get; private set; }
    public int? TtftMs { get; private set; }
    public double? TokensPerSecond { get; private set; }
    public int? Tokens { get; private set; }
    public int? StallAfter { get; private set; }
    public int? DropAfter { get; private set; }
    public int? EndAfter { get; private set; }
    public int? ErrorAfter { get; private set; }
    public int? MalformedAfter { get; private set; }
    public int? KeepaliveMs { get; private set; }
    public int? KeepaliveStallAfter { get; private set; }
    public bool SplitUtf8 { get; private set; }
    public bool Crlf { get; private set; }
    public bool ToolCalls { get; private set; }
    public bool NoDone { get; private set; }

    /// <summary>
    /// Benchmarks only: every content token's text ends with <c>@</c> and the emit moment (Stopwatch ticks),
    /// so a consumer behind a gateway that re-frames tokens (SignalR, its own SSE) can still tell when each
    /// token left the emulator. Absent, tokens are the plain answer (<c>x_emit_ts</c> carries the same moment).
    /// </summary>
    public bool StampText { get; private set; }
    public EmulatorDialect Dialect { get; private set; }
    public int? ToolCount { get; private set; }
    public string? ToolName { get; private set; }
    public bool Parallel { get; private set; }
    public int? ArgFragments { get; private set; }
    public int? Reasoning { get; private set; }
    public int? ReasoningTokens { get; private set; }
    public bool Refusal { get; private set; }
    public int? CachedTokens { get; private set; }
    public int? CacheWriteTokens { get; private set; }
    public int? PromptTokens { get; private set; }

    /// <summary>Parses <paramref name="spec"/>; null or blank means no fault.</summary>
    /// <exception cref="FormatException">An unknown key, a missing value or a value out of range.</exception>
    public static FaultSpec Parse(string? spec)
    {
        if (string.IsNullOrWhiteSpace(spec))
        {
            return None;
        }

        var fault = new FaultSpec();
        foreach (var item in spec.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = item.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? item : item[..eq]).ToLowerInvariant();
            var value = eq < 0 ? null : item[(eq + 1)..];
            fault.Apply(key, value);
        }

        return fault;
    }

    private void Apply(string key, string? value)
    {
        switch (key)
        {
            case "status": Status = Int(key, value, 400, 599); break;
            case "retry-after": RetryAfterSeconds = Int(key, value); break;
            case "retry-after-ms": RetryAfterMs = Int(key, value); break;
            case "retry-after-date": RetryAfterDateSeconds = Int(key, value); break;
            case "header-delay-ms": HeaderDelayMs = Int(key, value); break;
            case "ttft-ms": TtftMs = Int(key, value); break;
            case "tps": TokensPerSecond = Rate(key, value); break;
            case "tokens": Tokens = Int(key, value); break;
            case "stall-after": StallAfter = Int(key, value); break;
            case "drop-after": DropAfter = Int(key, value); break;
            case "end-after": EndAfter = Int(key, value); break;
            case "error-after": ErrorAfter = Int(key, value); break;
            case "malformed-after": MalformedAfter = Int(key, value); break;
            case "keepalive-ms": KeepaliveMs = Int(key, value, 1); break;
            case "keepalive-stall-after": KeepaliveStallAfter = Int(key, value); break;
            case "split-utf8": SplitUtf8 = Flag(key, value); break;
            case "crlf": Crlf = Flag(key, value); break;
            case "tool-calls": ToolCalls = Flag(key, value); break;
            case "no-done": NoDone = Flag(key, value); break;
            case "stamp-text": StampText = Flag(key, value); break;
            case "dialect": Dialect = ParseDialect(value); break;
            case "tools": ToolCount = Int(key, value, 0, 64); break;
            case "tool": ToolName = Name(key, value); break;
            case "parallel": Parallel = Flag(key, value); break;
            case "arg-fragments": ArgFragments = Int(key, value, 1, 10_000); break;
            case "reasoning": Reasoning = Int(key, value, 0, 100_000); break;
            case "reasoning-tokens": ReasoningTokens = Int(key, value); break;
            case "refusal": Refusal = Flag(key, value); break;
            case "cached": CachedTokens = Int(key, value); break;
            case "cache-write": CacheWriteTokens = Int(key, value); break;
            case "prompt-tokens": PromptTokens = Int(key, value, 1); break;
            default: throw new FormatException($"Unknown emulator fault key '{key}'.");
        }
    }

    private static int Int(string key, string? value, int min = 0, int max = int.MaxValue)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n < min || n > max)
        {
            throw new FormatException($"Emulator fault '{key}' needs an integer between {min} and {max} (got '{value}').");
        }

        return n;
    }

    private static string Name(string key, string? value) => string.IsNullOrEmpty(value)
        ? throw new FormatException($"Emulator fault '{key}' needs a name (got none).")
        : value;

    private static double Rate(string key, string? value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) || !(n > 0) || double.IsInfinity(n))
        {
            throw new FormatException($"Emulator fault '{key}' needs a positive number (got '{value}').");
        }

        return n;
    }

    private static bool Flag(string key, string? value) => value switch
    {
        null or "1" or "true" => true,
        "0" or "false" => false,
        _ => throw new FormatException($"Emulator fault '{key}' is a flag; give it no value (got '{value}')."),
    };

    private static EmulatorDialect ParseDialect(string? value) => value?.ToLowerInvariant() switch
    {
        "plain" => EmulatorDialect.Plain,
        "openai" => EmulatorDialect.OpenAi,
        "deepseek" => EmulatorDialect.DeepSeek,
        "ollama" => EmulatorDialect.Ollama,
        "vllm" => EmulatorDialect.Vllm,
        _ => throw new FormatException($"Emulator fault 'dialect' must be plain, openai, deepseek, ollama or vllm (got '{value}')."),
    };
}
