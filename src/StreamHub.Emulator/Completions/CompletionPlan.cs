using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>Everything one response will do, decided before the first byte so the writers hold no policy.</summary>
internal sealed class CompletionPlan
{
    /// <summary>Reasoning deltas the DeepSeek and Ollama dialects send before the answer.</summary>
    public static readonly IReadOnlyList<string> ReasoningTokens = ["Let", " me", " think", " this", " through", "."];

    public required string Id { get; init; }
    public required long Created { get; init; }
    public required string Model { get; init; }
    public required IReadOnlyList<string> Tokens { get; init; }

    /// <summary><c>stop</c>, <c>length</c> when max_tokens cut a longer answer (<c>tokens=</c> above it), or <c>tool_calls</c>.</summary>
    public required string FinishReason { get; init; }

    public required int PromptTokens { get; init; }
    public required bool IncludeUsage { get; init; }
    public required FaultSpec Fault { get; init; }
    public required TimeSpan FirstTokenDelay { get; init; }
    public required double TokensPerSecond { get; init; }

    public bool HasReasoning => Fault.Dialect is EmulatorDialect.DeepSeek or EmulatorDialect.Ollama;
}
