using StreamHub.Emulator.Conversation;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>Everything one response will do, decided before the first byte so the writers hold no policy.</summary>
internal sealed class CompletionPlan
{
    public required string Id { get; init; }
    public required long Created { get; init; }
    public required string Model { get; init; }
    public required Reply Reply { get; init; }
    public required int PromptTokens { get; init; }
    public required bool IncludeUsage { get; init; }
    public required FaultSpec Fault { get; init; }
    public required TimeSpan FirstTokenDelay { get; init; }
    public required double TokensPerSecond { get; init; }

    /// <summary><c>prompt_tokens_details.cached_tokens</c>.</summary>
    public int CachedTokens => Fault.CachedTokens ?? 0;

    /// <summary><c>completion_tokens_details.reasoning_tokens</c>: <c>reasoning-tokens=</c>, else the counted reasoning deltas.</summary>
    public int ReasoningTokens => Fault.ReasoningTokens ?? (Reply.ReasoningCounted ? Reply.Reasoning.Count : 0);

    /// <summary>Answer deltas, plus reasoning when it was asked for (the DeepSeek/Ollama dialects' default reasoning is not counted).</summary>
    public int CompletionTokens => Reply.AnswerTokens + ReasoningTokens;

    /// <summary><c>stop</c> (also for a stop sequence or a refusal), <c>length</c> or <c>tool_calls</c>.</summary>
    public string FinishReason => Reply.Ending switch
    {
        ReplyEnding.Length => "length",
        ReplyEnding.ToolCalls => "tool_calls",
        _ => "stop",
    };

    /// <summary>Ollama names the reasoning field <c>reasoning</c>; DeepSeek (and every other dialect here) <c>reasoning_content</c>.</summary>
    public string ReasoningField => Fault.Dialect == EmulatorDialect.Ollama ? "reasoning" : "reasoning_content";
}
