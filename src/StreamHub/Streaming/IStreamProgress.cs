using System.Runtime.Serialization;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>What the pipeline tells a front door while a request runs (the hub forwards it to the caller).</summary>
internal interface IStreamProgress
{
    ValueTask QueuedAsync(int position);

    ValueTask StartedAsync(string region);

    ValueTask UsageAsync(UsageReport usage);

    /// <summary>The upstream's finish reason (<c>stop</c>, <c>length</c>, ...), when it gave one.</summary>
    ValueTask FinishedAsync(string reason) => default;
}

/// <summary>A request's usage at its end, as the caller's <c>Usage</c> callback receives it.</summary>
/// <remarks>The data-contract names give MessagePack clients the same camelCase keys JSON clients see.</remarks>
[DataContract]
public sealed record UsageReport(
    [property: DataMember(Name = "promptTokens")] int PromptTokens,
    [property: DataMember(Name = "completionTokens")] int CompletionTokens,
    [property: DataMember(Name = "totalTokens")] int TotalTokens,
    [property: DataMember(Name = "model")] string Model,
    [property: DataMember(Name = "region")] string Region,
    [property: DataMember(Name = "cost")] decimal? Cost)
{
    public static UsageReport From(UsageInfo usage, string model, string region, decimal? cost)
        => new(usage.PromptTokens, usage.CompletionTokens, usage.TotalTokens, model, region, cost);
}

/// <summary>A progress sink that drops everything (tests, and front doors that show no progress).</summary>
internal sealed class NoProgress : IStreamProgress
{
    public static readonly NoProgress Instance = new();

    public ValueTask QueuedAsync(int position) => default;

    public ValueTask StartedAsync(string region) => default;

    public ValueTask UsageAsync(UsageReport usage) => default;
}
