namespace StreamHub.Admin;

/// <summary>
/// One region serving a model: the name it is asked for, its priority, weight and breaker state, and the price
/// that applies (<paramref name="PricedAs"/>: the <c>Pricing:Models</c> key found, the upstream name first, then
/// the client-facing one; null when neither has a price). Never its key, headers or query parameters.
/// </summary>
public sealed record AdminModelRegion(
    string Region,
    string UpstreamModel,
    int Priority,
    int Weight,
    string State,
    string? PricedAs,
    decimal? InputPerMillion,
    decimal? OutputPerMillion,
    decimal? CachedInputPerMillion);
