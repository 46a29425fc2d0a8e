using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StreamHub.Identity;
using StreamHub.Upstream;

namespace StreamHub.Streaming;

/// <summary>
/// The one path every front door calls: admit, pick a region and open the upstream stream (resilience),
/// turn SSE into tokens, report usage, release. Tokens are yielded as they arrive; the caller's pace is
/// the upstream read's pace (an async iterator holds no buffer of its own).
/// </summary>
internal sealed class CompletionPipeline(UpstreamClient upstream, IOptions<UpstreamOptions> upstreamOptions)
{
    public async IAsyncEnumerable<string> RunAsync(
        CompletionRequest request,
        Caller caller,
        IStreamProgress progress,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var model = request.Model ?? upstreamOptions.Value.Model;
        var call = new UpstreamCall(request.Messages, model, request.MaxTokens, request.Temperature);
        var tracker = new RegionTracker(progress);
        UsageInfo? usage = null;
        await foreach (var chunk in upstream.StreamAsync(call, tracker, cancellationToken))
        {
            if (chunk.Usage is { } reported)
            {
                usage = reported;
            }

            if (chunk.Reasoning is { } reasoning)
            {
                yield return reasoning;
            }

            if (chunk.Text is { } text)
            {
                yield return text;
            }
        }

        if (usage is not null)
        {
            await progress.UsageAsync(UsageReport.From(usage, model, tracker.Region ?? "", cost: null));
        }
    }

    /// <summary>Remembers the region the upstream opened on, and passes every event through.</summary>
    private sealed class RegionTracker(IStreamProgress inner) : IStreamProgress
    {
        public string? Region { get; private set; }

        public ValueTask QueuedAsync(int position) => inner.QueuedAsync(position);

        public ValueTask StartedAsync(string region)
        {
            Region = region;
            return inner.StartedAsync(region);
        }

        public ValueTask UsageAsync(UsageReport usage) => inner.UsageAsync(usage);
    }
}
