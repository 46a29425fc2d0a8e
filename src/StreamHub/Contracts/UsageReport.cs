using System.Runtime.Serialization;

namespace StreamHub.Contracts;

/// <summary>
/// A request's usage at its end, as the caller's <c>Usage</c> callback and the <c>usage</c> event carry it.
/// <see cref="Model"/> is the name StreamHub asked the upstream for (what prices are looked up by).
/// </summary>
/// <remarks>The data-contract names give MessagePack clients the same camelCase keys JSON clients see.</remarks>
[DataContract]
public sealed record UsageReport(
    [property: DataMember(Name = "promptTokens")] int PromptTokens,
    [property: DataMember(Name = "completionTokens")] int CompletionTokens,
    [property: DataMember(Name = "totalTokens")] int TotalTokens,
    [property: DataMember(Name = "model")] string Model,
    [property: DataMember(Name = "region")] string Region,
    [property: DataMember(Name = "cost")] decimal? Cost,
    [property: DataMember(Name = "cachedPromptTokens")] int CachedPromptTokens = 0,
    [property: DataMember(Name = "reasoningTokens")] int ReasoningTokens = 0,
    [property: DataMember(Name = "cacheWriteTokens")] int CacheWriteTokens = 0)
{
    public static UsageReport From(UsageInfo usage, string model, string region, decimal? cost) => new(
        usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens, model, region, cost, usage.CachedPromptTokens, usage.ReasoningTokens, usage.CacheWriteTokens);
}
