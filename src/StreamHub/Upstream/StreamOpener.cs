using Polly;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Opens a request's stream up to its first content event on the best region, through the resilience
/// pipeline (retry with backoff and <c>Retry-After</c>, failover, hedges, each region behind its breaker), and
/// speaks for the whole open when no attempt succeeded. The open runs on the regions of the request's model
/// first; when none of them can answer before the first token, on those of each fallback model in turn
/// (<c>Upstream:Fallbacks</c>).
/// </summary>
internal sealed class StreamOpener(
    UpstreamAttemptRunner runner,
    UpstreamOptions options,
    TimeProvider timeProvider,
    ILogger logger)
{
    private readonly ResiliencePipeline<UpstreamStream> _pipeline = UpstreamPipelineBuilder.Build(options, timeProvider, logger);

    /// <summary>The opened stream, or a <see cref="StreamHubException"/> with its contract code (the last model's).</summary>
    /// <param name="plan">The request's model and its fallbacks, in order (<see cref="ModelCatalog.Plan"/>).</param>
    /// <param name="avoid">A region to try only when no other can take the request (the one a continuation follows).</param>
    public async ValueTask<UpstreamStream> OpenAsync(UpstreamCall call, IReadOnlyList<ModelRoute> plan, UpstreamRegion? avoid, UpstreamRequestScope scope)
    {
        var bodies = new RequestBodies(call);
        for (var i = 0; ; i++)
        {
            try
            {
                return await OpenAsync(plan[i], bodies, avoid, scope);
            }
            catch (StreamHubException ex) when (i + 1 < plan.Count && MayFallBack(ex, scope))
            {
                UpstreamLog.FallingBack(logger, plan[i].Model, plan[i + 1].Model, ex.Code, ex.Message);
            }
        }
    }

    /// <summary>
    /// Whether another model may still answer: the failure is the upstream's (unavailable, failing, timed out,
    /// cut off), not the request's, and the caller and the total limit still allow an attempt.
    /// </summary>
    private static bool MayFallBack(StreamHubException failure, UpstreamRequestScope scope)
        => !scope.Token.IsCancellationRequested
            && failure.Code is ErrorCodes.UpstreamUnavailable or ErrorCodes.UpstreamError or ErrorCodes.UpstreamTimeout or ErrorCodes.UpstreamInterrupted;

    private async ValueTask<UpstreamStream> OpenAsync(ModelRoute route, RequestBodies bodies, UpstreamRegion? avoid, UpstreamRequestScope scope)
    {
        var context = ResilienceContextPool.Shared.Get(scope.Token);
        var race = new AttemptRace(runner, route, timeProvider, scope, bodies);
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
