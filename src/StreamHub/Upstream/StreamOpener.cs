using Polly;

namespace StreamHub.Upstream;

/// <summary>
/// Opens a request's stream up to its first content event on the best region, through the resilience
/// pipeline (retry with backoff and <c>Retry-After</c>, failover, hedges, each region behind its breaker), and
/// speaks for the whole open when no attempt succeeded.
/// </summary>
internal sealed class StreamOpener(
    UpstreamAttemptRunner runner,
    RegionSelector selector,
    UpstreamOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    private readonly ResiliencePipeline<UpstreamStream> _pipeline = UpstreamPipelineBuilder.Build(options, timeProvider, logger);

    /// <summary>The opened stream, or a <see cref="Contracts.StreamHubException"/> with its contract code.</summary>
    /// <param name="avoid">A region to try only when no other can take the request (the one a continuation follows).</param>
    public async ValueTask<UpstreamStream> OpenAsync(UpstreamCall call, UpstreamRegion? avoid, UpstreamRequestScope scope)
    {
        var context = ResilienceContextPool.Shared.Get(scope.Token);
        var race = new AttemptRace(runner, selector, timeProvider, scope, new RequestBodies(call));
        if (avoid is not null)
        {
            race.Avoid(avoid);
        }

        context.Properties.Set(UpstreamPipelineBuilder.RaceKey, race);
        UpstreamStream? winner = null;
        try
        {
            winner = await _pipeline.ExecuteAsync(static (ctx, race) => race.RunFirstAsync(ctx.CancellationToken), context, race);
            if (race.Leader is { } leader && !ReferenceEquals(leader, winner.Region))
            {
                UpstreamLog.HedgeWon(logger, winner.Region.Name, leader.Name);
            }

            return winner;
        }
        catch (OperationCanceledException) when (scope.TimedOut)
        {
            throw UpstreamFailureClassifier.TotalBeforeFirstToken(options.Timeouts);
        }
        catch (UpstreamAttemptException ex)
        {
            // With hedges Polly reports the attempt that ended first; a failure no region can help with
            // (a rejected request, refused credentials) speaks for the whole request.
            throw (race.Decisive ?? ex).ToStreamHubException();
        }
        finally
        {
            // Polly disposes a hedge whose first token came just after the winner's; this is the backstop, so
            // no losing stream (and its upstream connection) outlives the race whatever Polly does.
            await race.DisposeLosersAsync(winner);
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
