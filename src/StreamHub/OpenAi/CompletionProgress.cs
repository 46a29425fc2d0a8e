using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>What the pipeline reports while the request runs: the region for a header, the upstream's model for every chunk.</summary>
internal sealed class CompletionProgress : IStreamProgress
{
    public string? Region { get; private set; }

    /// <summary>The model the upstream reported, known before the first event arrives.</summary>
    public string? Model { get; private set; }

    public ValueTask QueuedAsync(int position) => default;

    public ValueTask StartedAsync(string region)
    {
        Region = region;
        return default;
    }

    public ValueTask ModelAsync(string model)
    {
        Model = model;
        return default;
    }

    /// <summary>Usage arrives as the request's last event.</summary>
    public ValueTask UsageAsync(UsageReport usage) => default;
}
