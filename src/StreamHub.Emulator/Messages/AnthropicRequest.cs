using StreamHub.Emulator.Conversation;

namespace StreamHub.Emulator.Messages;

/// <summary>What the emulator reads from a Messages API request; the raw body keeps everything else.</summary>
internal sealed class AnthropicRequest
{
    public string? Model { get; init; }
    public int? MaxTokens { get; init; }
    public bool Stream { get; init; }

    /// <summary>The system prompt: the string, or its text blocks joined.</summary>
    public string? System { get; init; }

    public IReadOnlyList<AnthropicMessage> Messages { get; init; } = [];

    /// <summary>Custom tools (with an <c>input_schema</c>); server tools are listed in <see cref="ToolNames"/> only.</summary>
    public IReadOnlyList<ToolSpec> Tools { get; init; } = [];

    public IReadOnlyList<string> ToolNames { get; init; } = [];
    public ToolChoiceMode Choice { get; init; }
    public string? ChoiceName { get; init; }

    /// <summary><c>thinking: {type: enabled | adaptive}</c>.</summary>
    public bool Thinking { get; init; }

    public IReadOnlyList<string> StopSequences { get; init; } = [];
}
