namespace StreamHub.Emulator.Completions;

/// <summary>What one streamed delta carries.</summary>
internal enum ReplyStepKind
{
    Reasoning,
    Content,
    Refusal,
    ToolStart,
    ToolArguments,
}
