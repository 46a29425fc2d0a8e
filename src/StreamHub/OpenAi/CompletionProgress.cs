using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>What the pipeline reports while the request runs: the region for a header, usage for the last chunk.</summary>
internal sealed class CompletionProgress : IStreamProgress
{
    public string? Region { get; private set; }

    public UsageReport? Usage { get; private set; }

    public ValueTask QueuedAsync(int position) => default;

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
