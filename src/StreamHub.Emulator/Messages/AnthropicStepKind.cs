namespace StreamHub.Emulator.Messages;

/// <summary>What one streamed Anthropic event carries.</summary>
internal enum AnthropicStepKind
{
    BlockStart,
    Thinking,
    Signature,
    Text,
    InputJson,
    BlockStop,
}
