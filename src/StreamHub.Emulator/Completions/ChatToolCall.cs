namespace StreamHub.Emulator.Completions;

/// <summary>An assistant message's tool call: <c>{"id","type":"function","function":{"name","arguments"}}</c>.</summary>
internal sealed class ChatToolCall
{
    public string? Id { get; set; }
    public string? Type { get; set; }
    public ChatFunctionCall? Function { get; set; }
}
