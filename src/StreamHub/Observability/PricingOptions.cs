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

    public Dictionary<string, ModelPrice> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

internal sealed class ModelPrice
{
    public decimal InputPerMillion { get; set; }

    public decimal OutputPerMillion { get; set; }
}

internal sealed class PricingOptionsValidator : IValidateOptions<PricingOptions>
{
    public ValidateOptionsResult Validate(string? name, PricingOptions options)
    {
        var failures = new List<string>();
        foreach (var (model, price) in options.Models)
        {
            if (price.InputPerMillion < 0)
            {
                failures.Add($"Pricing:Models:{model}:InputPerMillion must not be negative");
            }

            if (price.OutputPerMillion < 0)
            {
                failures.Add($"Pricing:Models:{model}:OutputPerMillion must not be negative");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
