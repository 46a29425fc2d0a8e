using Microsoft.Extensions.Options;

namespace StreamHub.Upstream;

/// <summary>Cross-field checks DataAnnotations cannot express; every message names its key.</summary>
internal sealed class UpstreamOptionsValidator : IValidateOptions<UpstreamOptions>
{
    public ValidateOptionsResult Validate(string? name, UpstreamOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < options.Regions.Count; i++)
        {
            var region = options.Regions[i];
            var key = $"Upstream:Regions:{i}";
            if (string.IsNullOrWhiteSpace(region.Name) || !names.Add(region.Name))
            {
                errors.Add($"{key}:Name must be set and unique.");
            }

            if (!Uri.TryCreate(region.BaseUrl, UriKind.Absolute, out var uri)
                || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{key}:BaseUrl must be an absolute http(s) URL ending in /v1.");
            }

            if (region.MaxConnections < 1)
            {
                errors.Add($"{key}:MaxConnections must be at least 1.");
            }
        }

        Positive(options.Timeouts.Connect, "Upstream:Timeouts:Connect", errors);
        Positive(options.Timeouts.FirstToken, "Upstream:Timeouts:FirstToken", errors);
        Positive(options.Timeouts.Idle, "Upstream:Timeouts:Idle", errors);
        Positive(options.Timeouts.Total, "Upstream:Timeouts:Total", errors);
        Positive(options.Retry.BaseDelay, "Upstream:Retry:BaseDelay", errors);
        Positive(options.Retry.MaxDelay, "Upstream:Retry:MaxDelay", errors);
        Positive(options.CircuitBreaker.BreakDuration, "Upstream:CircuitBreaker:BreakDuration", errors);
        Positive(options.Hedging.Delay, "Upstream:Hedging:Delay", errors);
        if (options.Hedging.Delay > TimeSpan.FromDays(1))
        {
            errors.Add("Upstream:Hedging:Delay must be at most 1.00:00:00.");
        }

        if (options.Hedging.MaxHedges is < 1 or > 10)
        {
            errors.Add("Upstream:Hedging:MaxHedges must be between 1 and 10.");
        }

        if (options.Hedging.Enabled && options.Hedging.Delay >= options.Timeouts.FirstToken)
        {
            // The first-token timeout would end the attempt before a hedge could ever start.
            errors.Add("Upstream:Hedging:Delay must be shorter than Upstream:Timeouts:FirstToken.");
        }

        if (options.Retry.MaxDelay < options.Retry.BaseDelay)
        {
            errors.Add("Upstream:Retry:MaxDelay must not be shorter than Upstream:Retry:BaseDelay.");
        }

        if (options.CircuitBreaker.BreakDuration < TimeSpan.FromMilliseconds(500))
        {
            errors.Add("Upstream:CircuitBreaker:BreakDuration must be at least 00:00:00.5.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void Positive(TimeSpan value, string key, List<string> errors)
    {
        if (value <= TimeSpan.Zero)
        {
            errors.Add($"{key} must be a positive TimeSpan (e.g. 00:00:30).");
        }
    }
}
