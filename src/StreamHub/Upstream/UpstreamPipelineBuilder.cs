using Polly;
using Polly.Hedging;
using Polly.Retry;

namespace StreamHub.Upstream;

/// <summary>
/// The Polly pipeline around one open, retry outside and hedging inside: each retry attempt is one race (the
/// first region plus its hedges), so backoff and <c>Retry-After</c> waits only happen once every racer has
/// failed, never while one may still answer, and a hedge never carries its own retry loop (which would
/// multiply upstream requests and outlive the race). With hedging off, each retry attempt is a single region
/// attempt. The executing context carries the open's <see cref="AttemptRace"/> under <see cref="RaceKey"/>.
/// </summary>
internal static class UpstreamPipelineBuilder
{
    public static readonly ResiliencePropertyKey<AttemptRace> RaceKey = new("streamhub.attempt");

    private static readonly ResiliencePropertyKey<UpstreamRegion> HedgeRegionKey = new("streamhub.hedge-region");

    public static ResiliencePipeline<UpstreamStream> Build(UpstreamOptions options, TimeProvider timeProvider, ILogger logger)
    {
        var builder = new ResiliencePipelineBuilder<UpstreamStream> { TimeProvider = timeProvider };
        if (options.Retry.MaxAttempts > 1)
        {
            AddRetry(builder, options.Retry, logger);
        }

        if (options.Hedging.Enabled)
        {
            AddHedging(builder, options.Hedging, logger);
        }

        return builder.Build();
    }

    private static void AddRetry(ResiliencePipelineBuilder<UpstreamStream> builder, UpstreamRetryOptions retry, ILogger logger)
        => builder.AddRetry(new RetryStrategyOptions<UpstreamStream>
        {
            MaxRetryAttempts = retry.MaxAttempts - 1,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = retry.BaseDelay,
            MaxDelay = retry.MaxDelay,
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is UpstreamAttemptException failure
                && RaceOf(args.Context) is { Decisive: null } race
                && UpstreamFailureClassifier.ShouldRetry(failure, race.HasUntried())),
            DelayGenerator = static args => ValueTask.FromResult(UpstreamFailureClassifier.RetryDelay(
                args.Outcome.Exception as UpstreamAttemptException, RaceOf(args.Context).HasUntried())),
            OnRetry = args =>
            {
                UpstreamLog.Retrying(logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                return default;
            },
        });

    /// <summary>
    /// <c>Upstream:Hedging</c>: when the running attempt has no first token after the delay (or has failed),
    /// the same request starts on the next available region not yet in this race. Polly accepts the first
    /// attempt that opens a stream and cancels the others: a cancelled attempt disposes its response (closing
    /// the upstream connection) and releases its breaker claim without counting as a failure; a stream that
    /// opened just after the winner's is disposed by Polly and, as a backstop, by <see cref="AttemptRace.DisposeLosersAsync"/>.
    /// </summary>
    private static void AddHedging(ResiliencePipelineBuilder<UpstreamStream> builder, UpstreamHedgingOptions hedging, ILogger logger)
        => builder.AddHedging(new HedgingStrategyOptions<UpstreamStream>
        {
            Delay = hedging.Delay,
            MaxHedgedAttempts = hedging.MaxHedges,

            // Every failed attempt keeps the race going while another runs or can start: one region's 500 or
            // first-token timeout must not end a request another region is about to answer. Polly starts the
            // next hedge at once after a failure, which is the failover the retry would do anyway.
            ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is UpstreamAttemptException),
            ActionGenerator = static args =>
            {
                var race = RaceOf(args.PrimaryContext);
                if (race.ClaimHedge() is not { } region)
                {
                    // No region left to race (or the request itself was refused): wait for the running ones.
                    return null;
                }

                args.ActionContext.Properties.Set(HedgeRegionKey, region);
                var token = args.ActionContext.CancellationToken;
                return async () => Outcome.FromResult(await race.RunAsync(region, token));
            },
            OnHedging = args =>
            {
                var region = args.ActionContext.Properties.GetValue(HedgeRegionKey, null!);
                UpstreamLog.Hedging(logger, region.Name, args.AttemptNumber + 1, hedging.MaxHedges);
                return default;
            },
        });

    private static AttemptRace RaceOf(ResilienceContext context) => context.Properties.GetValue(RaceKey, null!);
}
