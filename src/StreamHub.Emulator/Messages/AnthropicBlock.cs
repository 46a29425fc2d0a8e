namespace StreamHub.Emulator.Messages;

/// <summary>One content block of a received message; the fields its type uses are set, the rest null.</summary>
/// <param name="Text">A text block's text, or a tool result's text (its string content or its text blocks joined).</param>
/// <param name="Input">A tool_use block's input, as raw JSON.</param>
internal sealed record AnthropicBlock(string Type, string? Text = null, string? Id = null, string? Name = null, string? Input = null, string? ToolUseId = null);
