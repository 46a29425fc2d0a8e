namespace StreamHub.Emulator;

/// <summary>
/// A chat message as received: <see cref="Content"/> joins the text parts (and, for Anthropic, the text of
/// tool results); the rest keeps what a test may want to check without parsing the raw body.
/// </summary>
public sealed record EmulatorMessage(string Role, string Content)
{
    /// <summary>The type of each content part in order (<c>text</c>, <c>image_url</c>, <c>tool_result</c>, …); empty for string content.</summary>
    public IReadOnlyList<string> PartTypes { get; init; } = [];

    /// <summary>Whether <c>content</c> was null or absent (an assistant turn with only tool calls).</summary>
    public bool ContentIsNull { get; init; }

    public IReadOnlyList<EmulatorToolCall> ToolCalls { get; init; } = [];

    /// <summary>OpenAI's <c>tool_call_id</c> on a <c>tool</c> message; Anthropic's <c>tool_use_id</c>s of the tool results, comma-joined.</summary>
    public string? ToolCallId { get; init; }

    public string? Name { get; init; }
}
