namespace StreamHub.Upstream;

/// <summary>
/// One client-facing model and the regions that serve it, each with the name its upstream knows the model by
/// (<c>Upstream:Regions:N:Models</c>); a region without a mapping is asked for <see cref="Model"/> as it is.
/// </summary>
internal sealed class ModelRoute(string model, RegionSelector selector, IReadOnlyDictionary<UpstreamRegion, string>? upstreamNames = null)
{
    /// <summary>The client-facing name.</summary>
    public string Model => model;

    /// <summary>The regions that serve it, picked from as <see cref="RegionSelector"/> does.</summary>
    public RegionSelector Selector => selector;

    /// <summary>The name <paramref name="region"/> knows this model by: what the upstream body names and prices look up first.</summary>
    public string UpstreamNameFor(UpstreamRegion region)
        => upstreamNames is not null && upstreamNames.TryGetValue(region, out var name) ? name : model;
}
