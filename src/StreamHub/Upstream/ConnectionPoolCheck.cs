using Microsoft.Extensions.Options;
using StreamHub.Admission;

namespace StreamHub.Upstream;

/// <summary>
/// Warns at start-up when the admission pool can admit more streams than the regions have connections:
/// over HTTP/1.1 the extra streams would wait inside the HTTP client with no queue position and no
/// <c>queue_full</c>. (A warning, not a failure: over HTTP/2 one connection carries many streams.)
/// </summary>
internal sealed class ConnectionPoolCheck(
    IOptions<AdmissionOptions> admission,
    IOptions<UpstreamOptions> upstream,
    ILogger<ConnectionPoolCheck> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var connections = 0L;
        foreach (var region in upstream.Value.Regions)
        {
            connections += region.MaxConnections;
        }

        var pool = admission.Value.MaxConcurrentStreams;
        if (pool > connections)
        {
            logger.LogWarning(
                "Admission:MaxConcurrentStreams ({Pool}) exceeds the regions' connections (sum of Upstream:Regions:N:MaxConnections = {Connections}); over HTTP/1.1 the extra streams wait unseen in the HTTP client",
                pool,
                connections);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
