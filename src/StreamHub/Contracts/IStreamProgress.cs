namespace StreamHub.Contracts;

/// <summary>What the pipeline tells a front door while a request runs (the hub forwards it to the caller).</summary>
internal interface IStreamProgress
{
    ValueTask QueuedAsync(int position);

    ValueTask StartedAsync(string region);

    /// <summary>
    /// The model that answers, before each <see cref="StartedAsync"/>: the client-facing name (the request's, or a
    /// fallback's) and the name its region was asked for (<c>Upstream:Regions:N:Models</c>).
    /// </summary>
    ValueTask ModelAsync(string model, string upstreamModel) => default;

    ValueTask UsageAsync(UsageReport usage);

    /// <summary>The upstream's finish reason (<c>stop</c>, <c>length</c>, ...), when it gave one.</summary>
    ValueTask FinishedAsync(string reason) => default;
}
