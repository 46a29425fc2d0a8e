using Microsoft.Extensions.Options;

namespace StreamHub.Observability;

/// <summary>
/// The <c>Pricing</c> settings: <c>Pricing:Models:&lt;model&gt;:InputPerMillion</c> and
/// <c>:OutputPerMillion</c>, the price of a million prompt and completion tokens (decimal, any currency).
/// A model without an entry has no cost (null in the caller's usage report).
/// </summary>
internal sealed class PricingOptions
{
    public const string Section = "Pricing";

    [ValidateEnumeratedItems]
    public Dictionary<string, ModelPrice> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
