namespace StreamHub.Emulator.Conversation;

/// <summary>
/// What the emulated model answers, read from either dialect's request: the prompt (the last user text,
/// directives removed), the tools on offer and whether the turn is a tool result to comment on.
/// </summary>
internal sealed record TurnContext
{
    public required string Prompt { get; init; }

    public IReadOnlyList<ToolSpec> Tools { get; init; } = [];

    public ToolChoiceMode Choice { get; init; }

    /// <summary>The tool <see cref="ToolChoiceMode.Named"/> names.</summary>
    public string? ChoiceName { get; init; }

    /// <summary>The results (as text) of the tool calls the last turn answers; empty when the last turn is a user's question.</summary>
    public IReadOnlyList<string> ToolResults { get; init; } = [];

    /// <summary>OpenAI's <c>stop</c>, Anthropic's <c>stop_sequences</c>.</summary>
    public IReadOnlyList<string> StopSequences { get; init; } = [];

    /// <summary>Whether the last message is a user's question (not a tool result, not an assistant prefill).</summary>
    public bool EndsWithUser { get; init; } = true;
}
