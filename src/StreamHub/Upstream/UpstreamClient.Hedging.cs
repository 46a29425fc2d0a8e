using Polly;
using Polly.Hedging;

namespace StreamHub.Upstream;

internal sealed partial class UpstreamClient
{
    private static readonly ResiliencePropertyKey<UpstreamRegion> HedgeRegionKey = new("streamhub.hedge-region");

    /// <summary>
    /// <c>Upstream:Hedging</c>: when the running attempt has no first token after the delay (or has failed),
    /// the same request starts on the next available region not yet in this race. Polly accepts the first
    /// attempt that opens a stream and cancels the others: a cancelled attempt disposes its response (closing
    /// the upstream connection) and releases its breaker claim without counting as a failure; a stream that
    /// opened just after the winner's is disposed by Polly and, as a backstop, by <see cref="OpenAsync"/>.
    /// </summary>
    private void AddHedging(ResiliencePipelineBuilder<UpstreamStream> builder)
    {
        var hedging = _options.Hedging;
        builder.AddHedging(new HedgingStrategyOptions<UpstreamStream>
        {
            Delay = hedging.Delay,
            MaxHedgedAttempts = hedging.MaxHedges,

            // Every failed attempt keeps the race going while another runs or can start: one region's 500 or
            // first-token timeout must not end a request another region is about to answer. Polly starts the
            // next hedge at once after a failure, which is the failover the retry would do anyway.
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is UpstreamAttemptException),
            ActionGenerator = args =>
            {
                var state = StateOf(args.PrimaryContext);
                if (state.Claim(_selector, hedge: true) is not { } region)
                {
                    // No region left to race (or the request itself was refused): wait for the running ones.
                    return null;
                }

                args.ActionContext.Properties.Set(HedgeRegionKey, region);
                var token = args.ActionContext.CancellationToken;
                return async () => Outcome.FromResult(await RunAttemptAsync(region, state, token));
            },
            OnHedging = args =>
            {
                var region = args.ActionContext.Properties.GetValue(HedgeRegionKey, null!);
                Log.Hedging(_logger, region.Name, args.AttemptNumber + 1, hedging.MaxHedges);
                return default;
            },
        });
    }
}
