using Microsoft.AspNetCore.Http.HttpResults;
using StreamHub.Admission.Cluster;

namespace StreamHub.Admin;

internal static class LimitsEndpoints
{
    public static RouteGroupBuilder MapLimits(this RouteGroupBuilder group)
    {
        group.MapGet("/limits", GetLimits)
            .WithName("GetLimits")
            .WithSummary("The admission limits in force: pool size, queue limits, backpressure threshold, max queue wait, aging interval");
        group.MapPut("/limits", PutLimits)
            .WithName("PutLimits")
            .WithSummary("Change the admission limits at run time; fields left out keep their value")
            .WithDescription("Held permits stay held: after a shrink nothing starts until active drops under the new pool; after a grow waiters start at once. Changes last until restart. With Admission:Scope=Cluster they are the cluster's limits, changed for every instance (503 while Redis is unreachable).")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return group;
    }

    internal static Ok<AdminLimits> GetLimits(AdmissionLimitsEditor editor) => TypedResults.Ok(editor.Current);

    internal static Results<Ok<AdminLimits>, ValidationProblem, ProblemHttpResult> PutLimits(
        AdminLimitsUpdate update,
        AdmissionLimitsEditor editor,
        ILogger<AdmissionLimitsEditor> logger)
    {
        AdminLimits applied;
        try
        {
            if (!editor.TryUpdate(update, out applied, out var errors))
            {
                return TypedResults.ValidationProblem(errors, title: "The limits were not changed");
            }
        }
        catch (ClusterUnavailableException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The limits were not changed", detail: ex.Message);
        }

        logger.LogInformation(
            "An operator set the pool to {Pool} streams (threshold {Threshold}, queues {Critical}/{High}/{Normal}/{Low})",
            applied.MaxConcurrentStreams,
            applied.BackpressureThreshold,
            applied.QueueLimits.Critical,
            applied.QueueLimits.High,
            applied.QueueLimits.Normal,
            applied.QueueLimits.Low);
        return TypedResults.Ok(applied);
    }
}
