using Microsoft.Extensions.Options;

namespace StreamHub.Observability;

/// <summary>
/// The <c>Pricing</c> settings: <c>Pricing:Models:&lt;model&gt;:InputPerMillion</c>, <c>:OutputPerMillion</c> and
/// <c>:CachedInputPerMillion</c>, the price of a million prompt, completion and cached prompt tokens (decimal, any
/// currency; cached prompt tokens cost the input price when the last is absent).
/// A model without an entry has no cost (null in the caller's usage report).
/// </summary>
internal sealed class PricingOptions
{
    public const string Section = "Pricing";

    [ValidateEnumeratedItems]
    public Dictionary<string, ModelPrice> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
