using System.Security.Cryptography;
using System.Text;
using StreamHub.Emulator.Conversation;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Messages;

/// <summary>Everything one Messages API answer will do, decided before the first byte.</summary>
internal sealed class AnthropicPlan
{
    public required string Id { get; init; }
    public required string Model { get; init; }
    public required Reply Reply { get; init; }

    /// <summary><c>input_tokens</c>: the uncached part of the prompt, as Anthropic counts it.</summary>
    public required int InputTokens { get; init; }

    public required FaultSpec Fault { get; init; }
    public required TimeSpan FirstTokenDelay { get; init; }
    public required double TokensPerSecond { get; init; }

    public int CacheReadTokens => Fault.CachedTokens ?? 0;
    public int CacheCreationTokens => Fault.CacheWriteTokens ?? 0;

    /// <summary>Anthropic counts thinking as output.</summary>
    public int OutputTokens => Reply.AnswerTokens + Reply.Reasoning.Count;

    /// <summary>A thinking block's signature: opaque, stable for the same thinking.</summary>
    public string Signature => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(Reply.Reasoning))));

    /// <summary>Whether the answer has a text block: when it says something, or has nothing else to say.</summary>
    public bool HasTextBlock => Reply.Content.Count > 0 || Reply.Refusal.Count > 0 || Reply.ToolCalls.Count == 0;

    /// <summary>The text block's deltas: the content, or the refusal said as text.</summary>
    public IReadOnlyList<string> Text => Reply.Refusal.Count > 0 ? Reply.Refusal : Reply.Content;

    public string StopReason => Reply.Ending switch
    {
        ReplyEnding.Length => "max_tokens",
        ReplyEnding.ToolCalls => "tool_use",
        ReplyEnding.StopSequence => "stop_sequence",
        ReplyEnding.Refusal => "refusal",
        _ => "end_turn",
    };
}
