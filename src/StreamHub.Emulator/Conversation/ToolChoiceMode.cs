namespace StreamHub.Emulator.Conversation;

/// <summary>The request's <c>tool_choice</c>, dialect-neutral.</summary>
internal enum ToolChoiceMode
{
    /// <summary>Absent, <c>auto</c>: a tool when the turn asks for one.</summary>
    Auto,

    /// <summary><c>none</c>: answer in text.</summary>
    None,

    /// <summary>OpenAI's <c>required</c>, Anthropic's <c>any</c>.</summary>
    Required,

    /// <summary>One named function (OpenAI) or tool (Anthropic).</summary>
    Named,
}
