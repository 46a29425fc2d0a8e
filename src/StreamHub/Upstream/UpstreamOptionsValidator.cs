using StreamHub.Validation;

namespace StreamHub.Upstream;

/// <summary>The <c>Upstream</c> rules the annotations cannot express; every message names its key.</summary>
internal sealed class UpstreamOptionsValidator() : SettingsValidator<UpstreamOptions>(UpstreamOptions.Section)
{
    protected override void CheckFields(UpstreamOptions options, List<string> failures)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Regions.Count; i++)
        {
            var region = options.Regions[i];
            var key = $"Upstream:Regions:{i}";
            if (!names.Add(region.Name))
            {
                failures.Add($"{key}:Name '{region.Name}' is used by another region.");
            }

            if (!Uri.TryCreate(region.BaseUrl, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                failures.Add($"{key}:BaseUrl must be an absolute http(s) URL ending in /v1.");
            }
        }

        if (options.Hedging.Enabled && options.Hedging.Delay >= options.Timeouts.FirstToken)
        {
            // The first-token timeout would end the attempt before a hedge could ever start.
            failures.Add("Upstream:Hedging:Delay must be shorter than Upstream:Timeouts:FirstToken.");
        }

        if (options.Retry.MaxDelay < options.Retry.BaseDelay)
        {
            failures.Add("Upstream:Retry:MaxDelay must not be shorter than Upstream:Retry:BaseDelay.");
        }
    }
}
