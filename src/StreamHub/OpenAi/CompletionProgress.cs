using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>What the pipeline reports while the request runs: the region and model for headers and <c>model</c>, usage for the last chunk.</summary>
internal sealed class CompletionProgress : IStreamProgress
{
    public string? Region { get; private set; }

    /// <summary>The client-facing model that answered (the request's, or a fallback).</summary>
    public string? Model { get; private set; }

    /// <summary>The name the answering region was asked for: the <c>model</c> the answer reports.</summary>
    public string? UpstreamModel { get; private set; }

    public UsageReport? Usage { get; private set; }

    public ValueTask QueuedAsync(int position) => default;

    public ValueTask ModelAsync(string model, string upstreamModel)
    {
        Model = model;
        UpstreamModel = upstreamModel;
        return default;
    }

    public ValueTask StartedAsync(string region)
    {
        Region = region;
        return default;
    }

    public ValueTask UsageAsync(UsageReport usage)
    {
        Usage = usage;
        return default;
    }

    public string? FinishReason { get; private set; }

    public ValueTask FinishedAsync(string reason)
    {
        FinishReason = reason;
        return default;
    }
}
