using System.Text.Json;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// The parts of an OpenAI chat-completion request the emulator reads. Every other field is accepted and kept
/// only in the raw body the log records (the gateway's pass-through is proven there).
/// </summary>
internal sealed class ChatRequest
{
    public string? Model { get; set; }
    public List<ChatMessage>? Messages { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public bool Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public double? Temperature { get; set; }
    public double? TopP { get; set; }
    public long? Seed { get; set; }
    public string? ReasoningEffort { get; set; }
    public List<ChatTool>? Tools { get; set; }

    /// <summary><c>"none"</c>, <c>"auto"</c>, <c>"required"</c> or <c>{"type":"function","function":{"name"}}</c>.</summary>
    public JsonElement ToolChoice { get; set; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement Stop { get; set; }

    public JsonElement ResponseFormat { get; set; }
}
