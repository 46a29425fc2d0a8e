using StreamHub.Validation;

namespace StreamHub.Observability;

/// <summary>
/// The <c>Observability</c> rules: the annotations, and that the metrics key is nobody else's key (a scraper's
/// configuration is no place for a key that spends upstream tokens or runs <c>/admin</c>). Messages name the
/// keys, never a value.
/// </summary>
internal sealed class ObservabilityOptionsValidator(IConfiguration configuration)
    : SettingsValidator<ObservabilityOptions>(ObservabilityOptions.Section)
{
    protected override void CheckFields(ObservabilityOptions options, List<string> failures)
    {
        if (string.IsNullOrEmpty(options.MetricsApiKey))
        {
            return;
        }

        if (string.Equals(configuration["Admin:ApiKey"], options.MetricsApiKey, StringComparison.Ordinal))
        {
            failures.Add($"{Section}:MetricsApiKey is the same as Admin:ApiKey; give the scraper a key of its own.");
        }

        foreach (var tenant in configuration.GetSection("Tenants").GetChildren())
        {
            if (string.Equals(tenant["ApiKey"], options.MetricsApiKey, StringComparison.Ordinal))
            {
                failures.Add($"{Section}:MetricsApiKey is the same as {tenant.Path}:ApiKey; give the scraper a key of its own.");
            }
        }
    }
}
