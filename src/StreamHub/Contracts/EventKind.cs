namespace StreamHub.Contracts;

/// <summary>What a <see cref="CompletionEvent"/> carries; the content kinds come first.</summary>
internal enum EventKind : byte
{
    Text,
    Reasoning,
    Refusal,
    ToolCall,
    Finish,
    Usage,
}
