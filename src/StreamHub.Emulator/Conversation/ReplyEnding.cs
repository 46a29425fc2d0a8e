namespace StreamHub.Emulator.Conversation;

/// <summary>Why the reply ends; each dialect names it (<c>stop</c>/<c>end_turn</c>, <c>length</c>/<c>max_tokens</c>, …).</summary>
internal enum ReplyEnding
{
    Stop,
    Length,
    ToolCalls,
    StopSequence,
    Refusal,
}
