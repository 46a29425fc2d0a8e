using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Observability;

/// <summary>Prices a completion from the upstream's reported usage and the <c>Pricing</c> table.</summary>
internal sealed class CostCalculator(IOptions<PricingOptions> options)
{
    private const decimal Million = 1_000_000m;

    /// <summary>
    /// The cost of <paramref name="usage"/> on the model that answered: priced by <paramref name="upstreamModel"/>, the
    /// name its region was asked for, else by <paramref name="model"/>, the client-facing name; null when neither
    /// has a price.
    /// </summary>
    public decimal? CostOf(string upstreamModel, string model, UsageInfo usage)
        => CostOf(PricedAs(upstreamModel, model) ?? model, usage);

    /// <summary>The <c>Pricing:Models</c> key that prices the model: <paramref name="upstreamModel"/>'s, else <paramref name="model"/>'s, else null.</summary>
    public string? PricedAs(string upstreamModel, string model)
        => options.Value.Models.ContainsKey(upstreamModel) ? upstreamModel
            : options.Value.Models.ContainsKey(model) ? model
            : null;

    /// <summary>The price under <c>Pricing:Models:&lt;model&gt;</c>, or null.</summary>
    public ModelPrice? PriceOf(string model) => options.Value.Models.GetValueOrDefault(model);

    /// <summary>
    /// The cost of <paramref name="usage"/> on <paramref name="model"/>, or null when the model has no price.
    /// Cached prompt tokens cost <c>CachedInputPerMillion</c> when it is set, the input price otherwise.
    /// </summary>
    public decimal? CostOf(string model, UsageInfo usage)
    {
        if (!options.Value.Models.TryGetValue(model, out var price))
        {
            return null;
        }

        var cached = Math.Clamp(usage.CachedPromptTokens, 0, usage.PromptTokens);
        var input = ((usage.PromptTokens - cached) * price.InputPerMillion) + (cached * (price.CachedInputPerMillion ?? price.InputPerMillion));
        return (input + (usage.CompletionTokens * price.OutputPerMillion)) / Million;
    }
}
