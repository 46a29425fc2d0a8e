using System.Text.RegularExpressions;
using StreamHub.Validation;

namespace StreamHub.Upstream;

/// <summary>The <c>Upstream</c> rules the annotations cannot express; every message names its key.</summary>
internal sealed partial class UpstreamOptionsValidator() : SettingsValidator<UpstreamOptions>(UpstreamOptions.Section)
{
    /// <summary>Headers StreamHub writes itself: a region's settings may not replace them.</summary>
    private static readonly string[] OwnHeaders = ["Content-Type", "Content-Length", "Host", "Transfer-Encoding", "Accept"];

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
            else if (uri.UserInfo.Length > 0)
            {
                // A credential in the URL ends up in logs and error messages; the URL itself is never repeated here.
                failures.Add($"{key}:BaseUrl must not hold a user name or password (user:secret@host); put the key in {key}:ApiKey.");
            }

            CheckRequestShape(region, key, failures);
            foreach (var (model, upstreamName) in region.Models)
            {
                if (string.IsNullOrWhiteSpace(upstreamName))
                {
                    failures.Add($"{key}:Models:{model} must name the model as region {region.Name} knows it.");
                }
            }
        }

        CheckCatalog(options, failures);

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

    /// <summary>The key's header, further headers and query parameters: names StreamHub can send, values set.</summary>
    private static void CheckRequestShape(RegionOptions region, string key, List<string> failures)
    {
        if (IsOwnHeader(region.ApiKeyHeader))
        {
            failures.Add($"{key}:ApiKeyHeader cannot be {region.ApiKeyHeader}: StreamHub sets that header itself.");
        }

        foreach (var (name, value) in region.Headers)
        {
            if (!HeaderName().IsMatch(name) || IsOwnHeader(name))
            {
                failures.Add($"{key}:Headers:{name} is not a header a region's settings may send.");
            }
            else if (!string.IsNullOrEmpty(region.ApiKey) && string.Equals(name, region.ApiKeyHeader, StringComparison.OrdinalIgnoreCase))
            {
                failures.Add($"{key}:Headers:{name} is the header that carries {key}:ApiKey; set one of them.");
            }
            else if (string.IsNullOrEmpty(value))
            {
                failures.Add($"{key}:Headers:{name} must have a value.");
            }
        }

        foreach (var (name, value) in region.Query)
        {
            if (string.IsNullOrEmpty(value))
            {
                failures.Add($"{key}:Query:{name} must have a value.");
            }
        }
    }

    /// <summary><c>Upstream:Model</c> and every fallback name a model some region serves; fallbacks neither repeat nor name their own model.</summary>
    private static void CheckCatalog(UpstreamOptions options, List<string> failures)
    {
        if (!ModelCatalog.Serves(options, options.Model))
        {
            failures.Add($"Upstream:Model '{options.Model}' is served by no region; map it in a region's Models (Upstream:Regions:N:Models:{options.Model}).");
        }

        foreach (var (model, fallbacks) in options.Fallbacks)
        {
            var key = $"Upstream:Fallbacks:{model}";
            if (!ModelCatalog.Serves(options, model))
            {
                failures.Add($"{key} names a model no region serves; map '{model}' in a region's Models or remove its fallbacks.");
            }

            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { model };
            for (var k = 0; k < fallbacks.Count; k++)
            {
                var fallback = fallbacks[k];
                if (string.IsNullOrWhiteSpace(fallback) || !seen.Add(fallback))
                {
                    failures.Add($"{key}:{k} must name another model, once.");
                }
                else if (!ModelCatalog.Serves(options, fallback))
                {
                    failures.Add($"{key}:{k} '{fallback}' is served by no region; map it in a region's Models (Upstream:Regions:N:Models:{fallback}).");
                }
            }
        }
    }

    private static bool IsOwnHeader(string name) => Array.Exists(OwnHeaders, h => string.Equals(h, name, StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(RegionOptions.HeaderName, RegexOptions.CultureInvariant)]
    private static partial Regex HeaderName();
}
