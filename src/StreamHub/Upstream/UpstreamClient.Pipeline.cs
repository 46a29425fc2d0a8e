using Polly;
using Polly.Retry;

namespace StreamHub.Upstream;

/// <summary>The Polly pipeline around the attempts: retry outside, hedging inside.</summary>
internal sealed partial class UpstreamClient
{
    /// <summary>
    /// Retry outside, hedging inside: each retry attempt is one race (the first region plus its hedges), so
    /// backoff and <c>Retry-After</c> waits only happen once every racer has failed, never while one may still
    /// answer, and a hedge never carries its own retry loop (which would multiply upstream requests and
    /// outlive the race). With hedging off, each retry attempt is a single region attempt, as before.
    /// </summary>
    private ResiliencePipeline<UpstreamStream> BuildPipeline()
    {
        var builder = new ResiliencePipelineBuilder<UpstreamStream> { TimeProvider = _timeProvider };
        if (_options.Retry.MaxAttempts > 1)
        {
            builder.AddRetry(new RetryStrategyOptions<UpstreamStream>
            {
                MaxRetryAttempts = _options.Retry.MaxAttempts - 1,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _options.Retry.BaseDelay,
                MaxDelay = _options.Retry.MaxDelay,
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is UpstreamAttemptException attempt
                    && StateOf(args.Context).Decisive is null
                    && (attempt.Retryable || (attempt.RetryAfter > _options.Retry.MaxRetryAfter && HasUntried(args.Context)))),
                DelayGenerator = args =>
                {
                    // Another healthy region is waiting: fail over at once instead of backing off (a
                    // Retry-After speaks for the region that sent it, not for the others).
                    if (HasUntried(args.Context))
                    {
                        return ValueTask.FromResult<TimeSpan?>(TimeSpan.Zero);
                    }

                    if (args.Outcome.Exception is UpstreamAttemptException { RetryAfter: { } retryAfter })
                    {
                        // The upstream said when; honour it exactly (never sooner), up to MaxRetryAfter.
                        return ValueTask.FromResult<TimeSpan?>(retryAfter);
                    }

                    return ValueTask.FromResult<TimeSpan?>(null);
                },
                OnRetry = args =>
                {
                    Log.Retrying(_logger, args.AttemptNumber + 1, args.RetryDelay.TotalMilliseconds, args.Outcome.Exception?.Message);
                    return default;
                },
            });
        }

        if (_options.Hedging.Enabled)
        {
            AddHedging(builder);
        }

        return builder.Build();
    }

    /// <summary>Whether a region this request has not tried yet can take an attempt now.</summary>
    private bool HasUntried(ResilienceContext context) => StateOf(context).HasUntried(_selector);

    private static AttemptState StateOf(ResilienceContext context) => context.Properties.GetValue(StateKey, null!);
}
