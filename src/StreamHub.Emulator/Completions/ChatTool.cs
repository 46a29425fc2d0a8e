namespace StreamHub.Emulator.Completions;

/// <summary>An entry of <c>tools</c>: <c>{"type":"function","function":{...}}</c>; other types are accepted and not called.</summary>
internal sealed class ChatTool
{
    public string? Type { get; set; }
    public ChatFunction? Function { get; set; }
}
