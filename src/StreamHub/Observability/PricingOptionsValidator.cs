using Microsoft.Extensions.Options;

namespace StreamHub.Observability;

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
