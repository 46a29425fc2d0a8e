using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// <c>/health/ready</c>'s view of cluster admission: healthy while the instance admits through the cluster,
/// degraded (still serving, from its fallback pool) while it admits on its own.
/// </summary>
internal sealed class AdmissionHealthCheck(ClusterLink link, ClusterLimits limits) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        => Task.FromResult(link.InCluster
            ? HealthCheckResult.Healthy($"cluster admission: member {link.Member.InstanceId} of a pool of {limits.Current.MaxConcurrentStreams}")
            : HealthCheckResult.Degraded(
                $"cluster admission: fallback, admitting alone with a pool of {limits.FallbackPool} until Redis answers"));
}
