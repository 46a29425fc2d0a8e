namespace StreamHub.Emulator.Completions;

/// <summary>The function a tool call names, with its arguments as a JSON string.</summary>
internal sealed class ChatFunctionCall
{
    public string? Name { get; set; }
    public string? Arguments { get; set; }
}
