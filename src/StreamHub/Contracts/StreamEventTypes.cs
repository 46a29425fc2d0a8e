namespace StreamHub.Contracts;

/// <summary>The <c>type</c> of every <see cref="StreamEvent"/>, as clients see it on the wire.</summary>
public static class StreamEventTypes
{
    public const string Text = "text";
    public const string Reasoning = "reasoning";
    public const string Refusal = "refusal";
    public const string ToolCall = "toolCall";
    public const string Finish = "finish";
    public const string Usage = "usage";
}
