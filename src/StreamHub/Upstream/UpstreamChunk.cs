using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// One SSE event of a chat-completion stream, reduced to what StreamHub acts on. A single chunk may carry
/// several things at once (DeepSeek puts usage on the finish chunk; Ollama sends several whole tool calls).
/// </summary>
internal readonly record struct UpstreamChunk
{
    public string? Text { get; init; }

    /// <summary>DeepSeek's <c>reasoning_content</c>, Ollama's and OpenRouter's <c>reasoning</c>.</summary>
    public string? Reasoning { get; init; }

    public string? Refusal { get; init; }

    /// <summary>The chunk's tool-call deltas in the order sent; null when it has none.</summary>
    public ToolCallDelta[]? ToolCalls { get; init; }

    public string? FinishReason { get; init; }

    /// <summary>The model the upstream says answers (the same string instance for every chunk of a stream).</summary>
    public string? Model { get; init; }

    public UsageInfo? Usage { get; init; }

    /// <summary>An upstream <c>error</c> object: a failure even when <c>[DONE]</c> follows (vLLM).</summary>
    public string? Error { get; init; }

    /// <summary>The <c>data: [DONE]</c> sentinel.</summary>
    public bool IsDone { get; init; }

    /// <summary>The event's data was not the JSON the protocol promises.</summary>
    public bool IsMalformed { get; init; }

    /// <summary>
    /// Anthropic's <c>ping</c>: not life. Like OpenAI's <c>: keep-alive</c> comments (which the SSE parser drops), it
    /// neither re-arms the idle timeout nor counts as an answer, so a region that only pings is stalled.
    /// </summary>
    public bool IsKeepAlive { get; init; }

    /// <summary>Something the model said: text, reasoning, a refusal or a tool call.</summary>
    public bool HasContent => Text is not null || Reasoning is not null || Refusal is not null || ToolCalls is not null;

    public static UpstreamChunk Done => new() { IsDone = true };

    public static UpstreamChunk Malformed => new() { IsMalformed = true };

    public static UpstreamChunk KeepAlive => new() { IsKeepAlive = true };
}
