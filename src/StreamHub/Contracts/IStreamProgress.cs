namespace StreamHub.Contracts;

/// <summary>What the pipeline tells a front door while a request runs (the hub forwards it to the caller).</summary>
internal interface IStreamProgress
{
    ValueTask QueuedAsync(int position);

    ValueTask StartedAsync(string region);

    ValueTask UsageAsync(UsageReport usage);

    /// <summary>
    /// The model the upstream says answers (often a dated variant of the name asked for), as soon as its first
    /// content event arrives: a front door that repeats it on every chunk (<c>/v1</c>) knows it before writing one.
    /// </summary>
    ValueTask ModelAsync(string model) => default;

    /// <summary>
    /// The catalog's model that answers, before each <see cref="StartedAsync"/>: the client-facing name (the request's,
    /// or a fallback's) and the name its region was asked for (<c>Upstream:Regions:N:Models</c>).
    /// </summary>
    ValueTask RoutedAsync(string model, string upstreamModel) => default;
}
