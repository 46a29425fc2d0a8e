using Microsoft.Extensions.Options;

namespace StreamHub.Upstream;

/// <summary>
/// Warns at start-up for each region reached over plain <c>http://</c> on a host that is not this machine: its
/// key and every prompt and answer cross the network readable by anyone on the path. (A warning, not a
/// failure: a sidecar or a private network may be the operator's choice.)
/// </summary>
internal sealed class PlainHttpRegionCheck(IOptions<UpstreamOptions> upstream, ILogger<PlainHttpRegionCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var regions = upstream.Value.Regions;
        for (var i = 0; i < regions.Count; i++)
        {
            if (!regions[i].Embedded
                && Uri.TryCreate(regions[i].BaseUrl, UriKind.Absolute, out var uri)
                && uri.Scheme == Uri.UriSchemeHttp
                && !uri.IsLoopback)
            {
                logger.LogWarning(
                    "Upstream:Regions:{Index}:BaseUrl ({Region}) is plain http to {Host}, not this machine: its key, prompts and answers cross the network unencrypted; use https",
                    i,
                    regions[i].Name,
                    uri.Host);
            }
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
