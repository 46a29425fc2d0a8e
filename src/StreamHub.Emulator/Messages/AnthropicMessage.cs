namespace StreamHub.Emulator.Messages;

/// <summary>A received message: its role and its blocks (string content becomes one text block).</summary>
internal sealed record AnthropicMessage(string Role, IReadOnlyList<AnthropicBlock> Blocks, bool StringContent)
{
    public string Text => string.Concat(Blocks.Where(b => b.Type == "text").Select(b => b.Text));

    public bool HasToolResults => Blocks.Any(b => b.Type == "tool_result");

    public EmulatorMessage ToRecord() => new(Role, string.Concat(Blocks.Where(b => b.Type is "text" or "tool_result").Select(b => b.Text)))
    {
        PartTypes = StringContent ? [] : [.. Blocks.Select(b => b.Type)],
        ToolCalls = [.. Blocks.Where(b => b.Type == "tool_use").Select(b => new EmulatorToolCall(b.Id!, b.Name!, b.Input!))],
        ToolCallId = HasToolResults ? string.Join(',', Blocks.Where(b => b.Type == "tool_result").Select(b => b.ToolUseId)) : null,
    };
}
