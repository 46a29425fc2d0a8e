using Microsoft.Extensions.Diagnostics.HealthChecks;
using StreamHub.Upstream;

namespace StreamHub.Observability;

/// <summary>Ready while at least one region can take a request (not open, not disabled by an operator).</summary>
internal sealed class RegionsHealthCheck(RegionSelector regions) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var available = 0;
        foreach (var region in regions.Regions)
        {
            if (region.IsAvailable)
            {
                available++;
            }
        }

        return Task.FromResult(available > 0
            ? HealthCheckResult.Healthy($"{available} of {regions.Regions.Count} regions available")
            : HealthCheckResult.Unhealthy($"none of {regions.Regions.Count} regions is available (open or disabled)"));
    }
}
