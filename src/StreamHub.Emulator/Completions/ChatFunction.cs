using System.Text.Json;

namespace StreamHub.Emulator.Completions;

/// <summary>A function tool: its name and the JSON schema of its arguments.</summary>
internal sealed class ChatFunction
{
    public string? Name { get; set; }
    public string? Description { get; set; }
    public JsonElement Parameters { get; set; }
}
