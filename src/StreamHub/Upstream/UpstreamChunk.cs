using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// One SSE event of a chat-completion stream, reduced to what StreamHub acts on. A single chunk may carry
/// text, a finish reason and usage at once (DeepSeek puts usage on the finish chunk).
/// </summary>
internal readonly record struct UpstreamChunk
{
    public string? Text { get; init; }
    public string? Reasoning { get; init; }
    public string? FinishReason { get; init; }
    public UsageInfo? Usage { get; init; }

    /// <summary>An upstream <c>error</c> object: a failure even when <c>[DONE]</c> follows (vLLM).</summary>
    public string? Error { get; init; }

    /// <summary>The <c>data: [DONE]</c> sentinel.</summary>
    public bool IsDone { get; init; }

    /// <summary>The event's data was not the JSON the protocol promises.</summary>
    public bool IsMalformed { get; init; }

    public static UpstreamChunk Done => new() { IsDone = true };

    public static UpstreamChunk Malformed => new() { IsMalformed = true };
}
