using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Observability;

/// <summary>Prices a completion from the upstream's reported usage and the <c>Pricing</c> table.</summary>
internal sealed class CostCalculator(IOptions<PricingOptions> options)
{
    private const decimal Million = 1_000_000m;

    /// <summary>The cost of <paramref name="usage"/> on <paramref name="model"/>, or null when the model has no price.</summary>
    public decimal? CostOf(string model, UsageInfo usage)
    {
        if (!options.Value.Models.TryGetValue(model, out var price))
        {
            return null;
        }

        return ((usage.PromptTokens * price.InputPerMillion) + (usage.CompletionTokens * price.OutputPerMillion)) / Million;
    }
}
