using StreamHub.Validation;

namespace StreamHub.Observability;

/// <summary>The <c>Pricing</c> rules: the annotations on each <see cref="ModelPrice"/> (no rule spans fields yet).</summary>
internal sealed class PricingOptionsValidator() : SettingsValidator<PricingOptions>(PricingOptions.Section);
