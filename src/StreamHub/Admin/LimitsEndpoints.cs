using Microsoft.AspNetCore.Http.HttpResults;

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
            .WithDescription("Held permits stay held: after a shrink nothing starts until active drops under the new pool; after a grow waiters start at once. Changes last until restart.");
        return group;
    }

    internal static Ok<AdminLimits> GetLimits(AdmissionLimitsEditor editor) => TypedResults.Ok(editor.Current);

    internal static Results<Ok<AdminLimits>, ValidationProblem> PutLimits(
        AdminLimitsUpdate update,
        AdmissionLimitsEditor editor,
        ILogger<AdmissionLimitsEditor> logger)
    {
        if (!editor.TryUpdate(update, out var applied, out var errors))
        {
            return TypedResults.ValidationProblem(errors, title: "The limits were not changed");
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
