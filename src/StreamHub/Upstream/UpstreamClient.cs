using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Streams one chat completion from the best healthy region. Everything up to the first token runs inside
/// the resilience pipeline (<see cref="StreamOpener"/>: retry, failover, hedging, a breaker per region, each
/// attempt run by <see cref="UpstreamAttemptRunner"/> and classified by <see cref="UpstreamFailureClassifier"/>);
/// after the first token there is no silent retry (<see cref="ContinuingStream"/>), so the caller never sees
/// duplicated or spliced text. Enforces the first-token, idle and total timeouts that <c>HttpClient</c>
/// cannot see once the headers are read.
/// </summary>
internal sealed class UpstreamClient(
    IHttpClientFactory httpClientFactory,
    ModelCatalog catalog,
    IOptions<UpstreamOptions> options,
    SecretScrubber scrubber,
    TimeProvider timeProvider,
    ILogger<UpstreamClient> logger)
{
    private readonly UpstreamOptions _options = options.Value;

    private readonly StreamOpener _opener = new(
        new UpstreamAttemptRunner(httpClientFactory, options.Value, scrubber, timeProvider, logger),
        options.Value,
        timeProvider,
        logger);

    public RegionSelector Regions => catalog.Regions;

    public ModelCatalog Catalog => catalog;

    /// <summary>As <see cref="StreamAsync(UpstreamCall, IReadOnlyList{ModelRoute}, IStreamProgress, CancellationToken)"/>, for the call's model and its fallbacks.</summary>
    public IAsyncEnumerable<UpstreamChunk> StreamAsync(UpstreamCall call, IStreamProgress progress, CancellationToken cancellationToken)
        => StreamAsync(call, catalog.Plan(call.Model, allowed: null), progress, cancellationToken);

    /// <summary>
    /// The completion's events on the first model of <paramref name="plan"/> that answers (<see cref="ModelCatalog.Plan"/>),
    /// starting with the first one that carries text (or the finish). Ends
    /// normally only on <c>[DONE]</c> or a finish reason; every other end throws a
    /// <see cref="StreamHubException"/> with its contract code.
    /// </summary>
    public async IAsyncEnumerable<UpstreamChunk> StreamAsync(
        UpstreamCall call,
        IReadOnlyList<ModelRoute> plan,
        IStreamProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var scope = new UpstreamRequestScope(_options.Timeouts.Total, timeProvider, cancellationToken);
        await using var stream = new ContinuingStream(_opener, _options, scrubber, logger, call, plan, progress, scope);
        await stream.OpenAsync();
        while (await stream.ReadAsync() is { } chunk)
        {
            yield return chunk;
        }
    }
}
