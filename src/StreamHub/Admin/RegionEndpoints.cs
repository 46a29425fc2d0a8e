using Microsoft.AspNetCore.Http.HttpResults;
using StreamHub.Upstream;

namespace StreamHub.Admin;

internal static class RegionEndpoints
{
    public static RouteGroupBuilder MapRegions(this RouteGroupBuilder group)
    {
        group.MapGet("/regions", GetRegions)
            .WithName("GetRegions")
            .WithSummary("Health of every upstream region: breaker state, failures, latency, last error");
        group.MapPost("/regions/{name}/reset", ResetAsync)
            .WithName("ResetRegion")
            .WithSummary("Close the region's circuit breaker")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/regions/{name}/disable", Disable)
            .WithName("DisableRegion")
            .WithSummary("Drain the region: no new requests go there, running ones finish")
            .ProducesProblem(StatusCodes.Status404NotFound);
        group.MapPost("/regions/{name}/enable", Enable)
            .WithName("EnableRegion")
            .WithSummary("Let the region take new requests again")
            .ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    internal static Ok<RegionHealth[]> GetRegions(RegionSelector regions)
        => TypedResults.Ok(regions.Regions.Select(static r => r.Snapshot()).ToArray());

    internal static async Task<Results<Ok<RegionHealth>, ProblemHttpResult>> ResetAsync(string name, RegionSelector regions)
    {
        if (regions.Find(name) is not { } region)
        {
            return UnknownRegion();
        }

        await region.ResetAsync();
        return TypedResults.Ok(region.Snapshot());
    }

    internal static Results<Ok<RegionHealth>, ProblemHttpResult> Disable(string name, RegionSelector regions, ILogger<RegionSelector> logger)
        => SetDisabled(name, regions, logger, disabled: true);

    internal static Results<Ok<RegionHealth>, ProblemHttpResult> Enable(string name, RegionSelector regions, ILogger<RegionSelector> logger)
        => SetDisabled(name, regions, logger, disabled: false);

    private static Results<Ok<RegionHealth>, ProblemHttpResult> SetDisabled(string name, RegionSelector regions, ILogger logger, bool disabled)
    {
        if (regions.Find(name) is not { } region)
        {
            return UnknownRegion();
        }

        region.Disabled = disabled;
        logger.LogInformation("An operator {Action} region {Region}", disabled ? "disabled" : "enabled", region.Name);
        return TypedResults.Ok(region.Snapshot());
    }

    private static ProblemHttpResult UnknownRegion() => TypedResults.Problem(
        statusCode: StatusCodes.Status404NotFound,
        title: "Unknown region",
        // The name is not echoed: whatever was pasted into the URL (a key, by mistake) stays out of answers.
        detail: "no upstream region has that name; GET /admin/regions lists them");
}
