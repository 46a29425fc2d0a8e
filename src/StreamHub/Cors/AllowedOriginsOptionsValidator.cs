using StreamHub.Validation;

namespace StreamHub.Cors;

/// <summary>The <c>Cors</c> rules: each allowed origin has the shape browsers send.</summary>
internal sealed class AllowedOriginsOptionsValidator() : SettingsValidator<AllowedOriginsOptions>(AllowedOriginsOptions.Section)
{
    protected override void CheckFields(AllowedOriginsOptions options, List<string> failures)
    {
        for (var i = 0; i < options.AllowedOrigins.Count; i++)
        {
            if (!AllowedOriginsOptions.IsOrigin(options.AllowedOrigins[i]))
            {
                failures.Add(
                    $"Cors:AllowedOrigins:{i} must be an origin such as https://app.example.com or http://localhost:5173 (scheme, host and port only, no trailing slash)");
            }
        }
    }
}
