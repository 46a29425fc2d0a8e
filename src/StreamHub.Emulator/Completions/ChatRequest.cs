namespace StreamHub.Emulator.Completions;

/// <summary>The parts of an OpenAI chat-completion request the emulator reads; everything else is ignored.</summary>
internal sealed class ChatRequest
{
    public string? Model { get; set; }
    public List<ChatMessage>? Messages { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public bool Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public double? Temperature { get; set; }
}
