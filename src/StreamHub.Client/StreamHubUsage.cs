using System.Runtime.Serialization;

namespace StreamHub.Client;

/// <summary>A request's token usage and cost as the hub reports it on its <c>usage</c> event.</summary>
/// <remarks>The data-contract names are the hub's camelCase keys, for MessagePack as for JSON.</remarks>
[DataContract]
public sealed class StreamHubUsage
{
    /// <summary>Input tokens.</summary>
    [DataMember(Name = "promptTokens")]
    public long PromptTokens { get; init; }

    /// <summary>Output tokens (reasoning included).</summary>
    [DataMember(Name = "completionTokens")]
    public long CompletionTokens { get; init; }

    /// <summary>Input plus output.</summary>
    [DataMember(Name = "totalTokens")]
    public long TotalTokens { get; init; }

    /// <summary>Input tokens served from the provider's prompt cache.</summary>
    [DataMember(Name = "cachedPromptTokens")]
    public long? CachedPromptTokens { get; init; }

    /// <summary>Output tokens spent on reasoning.</summary>
    [DataMember(Name = "reasoningTokens")]
    public long? ReasoningTokens { get; init; }

    /// <summary>The request's price, where StreamHub knows the model's prices.</summary>
    [DataMember(Name = "cost")]
    public decimal? Cost { get; init; }

    /// <summary>The model name StreamHub asked the upstream for (what prices are looked up by).</summary>
    [DataMember(Name = "model")]
    public string? Model { get; init; }

    /// <summary>The upstream region that answered.</summary>
    [DataMember(Name = "region")]
    public string? Region { get; init; }
}
