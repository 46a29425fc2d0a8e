using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>
/// Says at start-up, as a warning naming the setting, that callers without a key may stream: they spend the
/// upstream regions' keys, held back only by <c>Identity:AnonymousLimits</c> per client address. Said both when
/// the operator turned it on and when it is on by default (only the embedded emulator serves, no key to spend).
/// </summary>
internal sealed class AnonymousAccessWarning(
    AnonymousAccess access,
    IOptions<IdentityOptions> options,
    ILogger<AnonymousAccessWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var limits = options.Value.AnonymousLimits;
        if (access.ExplicitlyOn)
        {
            logger.LogWarning(
                "Identity:AllowAnonymous is true: callers without a key stream on the upstream regions' keys, each client address limited by Identity:AnonymousLimits to {RequestsPerMinute} requests and {TokensPerMinute} tokens a minute and {MaxConcurrentStreams} streams at once (empty: no limit)",
                Show(limits.RequestsPerMinute),
                Show(limits.TokensPerMinute),
                Show(limits.MaxConcurrentStreams));
        }
        else if (access.Allowed)
        {
            logger.LogWarning(
                "Identity:AllowAnonymous is unset and only the embedded emulator serves, so callers without a key may stream (each client address limited by Identity:AnonymousLimits to {RequestsPerMinute} requests and {TokensPerMinute} tokens a minute and {MaxConcurrentStreams} streams at once); it turns off once Upstream:Regions are configured, or set Identity:AllowAnonymous=false now",
                Show(limits.RequestsPerMinute),
                Show(limits.TokensPerMinute),
                Show(limits.MaxConcurrentStreams));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Show(int? limit) => limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited";
}
