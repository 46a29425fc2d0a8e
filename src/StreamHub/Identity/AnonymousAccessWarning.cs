using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>
/// Says at start-up, as a warning naming the setting, that the operator let callers without a key stream: they
/// spend the upstream regions' keys, held back only by <c>Identity:AnonymousLimits</c> per client address.
/// </summary>
internal sealed class AnonymousAccessWarning(
    AnonymousAccess access,
    IOptions<IdentityOptions> options,
    ILogger<AnonymousAccessWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (access.ExplicitlyOn)
        {
            var limits = options.Value.AnonymousLimits;
            logger.LogWarning(
                "Identity:AllowAnonymous is true: callers without a key stream on the upstream regions' keys, each client address limited by Identity:AnonymousLimits to {RequestsPerMinute} requests and {TokensPerMinute} tokens a minute and {MaxConcurrentStreams} streams at once (empty: no limit)",
                Show(limits.RequestsPerMinute),
                Show(limits.TokensPerMinute),
                Show(limits.MaxConcurrentStreams));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static string Show(int? limit) => limit?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unlimited";
}
