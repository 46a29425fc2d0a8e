using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>
/// What the pipeline reports while the request runs: the region and the catalog's model for headers, the model that
/// answers for every chunk.
/// </summary>
internal sealed class CompletionProgress : IStreamProgress
{
    public string? Region { get; private set; }

    /// <summary>The model the upstream reported, known before the first event arrives.</summary>
    public string? Model { get; private set; }

    /// <summary>The client-facing model that answered (the request's, or a fallback).</summary>
    public string? RoutedModel { get; private set; }

    /// <summary>The name the answering region was asked for: the answer's <c>model</c> when the upstream reports none.</summary>
    public string? UpstreamModel { get; private set; }

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

    public ValueTask RoutedAsync(string model, string upstreamModel)
    {
        RoutedModel = model;
        UpstreamModel = upstreamModel;
        return default;
    }

    /// <summary>Usage arrives as the request's last event.</summary>
    public ValueTask UsageAsync(UsageReport usage) => default;
}
