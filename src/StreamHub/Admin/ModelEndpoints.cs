using Microsoft.AspNetCore.Http.HttpResults;
using StreamHub.Observability;
using StreamHub.Upstream;

namespace StreamHub.Admin;

internal static class ModelEndpoints
{
    public static RouteGroupBuilder MapModels(this RouteGroupBuilder group)
    {
        group.MapGet("/models", GetModels)
            .WithName("GetModels")
            .WithSummary("The model catalog: each client-facing model's regions, upstream names, weights, fallbacks and prices");
        return group;
    }

    internal static Ok<AdminModelCatalog> GetModels(ModelCatalog catalog, CostCalculator pricing)
    {
        var models = new List<AdminModel>(catalog.Names.Count);
        foreach (var name in catalog.Names)
        {
            var route = catalog.Find(name)!;
            var regions = route.Selector.Regions.Select(region => Describe(route, region, pricing)).ToArray();
            models.Add(new AdminModel(route.Model, regions, catalog.FallbacksOf(name)));
        }

        var anyName = catalog.AnyNameRegions.Select(static r => r.Name).ToArray();
        return TypedResults.Ok(new AdminModelCatalog(catalog.DefaultModel, anyName, models));
    }

    private static AdminModelRegion Describe(ModelRoute route, UpstreamRegion region, CostCalculator pricing)
    {
        var upstreamModel = route.UpstreamNameFor(region);
        var pricedAs = pricing.PricedAs(upstreamModel, route.Model);
        var price = pricedAs is null ? null : pricing.PriceOf(pricedAs);
        return new AdminModelRegion(
            region.Name,
            upstreamModel,
            region.Options.Priority,
            region.Options.Weight,
            RegionStates.Describe(region.CircuitState, region.Disabled),
            pricedAs,
            price?.InputPerMillion,
            price?.OutputPerMillion,
            price?.CachedInputPerMillion);
    }
}
