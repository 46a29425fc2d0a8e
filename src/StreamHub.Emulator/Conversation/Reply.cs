namespace StreamHub.Emulator.Conversation;

/// <summary>The emulated model's whole answer, dialect-neutral; each dialect's writers decide the wire shape.</summary>
internal sealed class Reply
{
    /// <summary>Reasoning deltas (DeepSeek/Ollama reasoning, Anthropic thinking), sent before anything else.</summary>
    public IReadOnlyList<string> Reasoning { get; init; } = [];

    /// <summary>Whether the reasoning was asked for explicitly (<c>reasoning=N</c>, Anthropic thinking) and so counts as output tokens.</summary>
    public bool ReasoningCounted { get; init; }

    public IReadOnlyList<string> Content { get; init; } = [];

    public IReadOnlyList<string> Refusal { get; init; } = [];

    public IReadOnlyList<ToolCallPlan> ToolCalls { get; init; } = [];

    /// <summary>Interleave the calls' deltas by index instead of one call after the other.</summary>
    public bool Parallel { get; init; }

    /// <summary>The old <c>tool-calls</c> flag: one whole <c>lookup</c> call after the text, outside pacing and the "-after" faults.</summary>
    public bool LegacyToolCall { get; init; }

    public ReplyEnding Ending { get; init; }

    /// <summary>The stop sequence that ended the reply, for <see cref="ReplyEnding.StopSequence"/>.</summary>
    public string? StopSequence { get; init; }

    /// <summary>Answer deltas: content, refusal and tool-call argument fragments (not the legacy call). Usage counts these.</summary>
    public int AnswerTokens => Content.Count + Refusal.Count + (LegacyToolCall ? 0 : ToolCalls.Sum(c => c.Fragments.Count));
}
