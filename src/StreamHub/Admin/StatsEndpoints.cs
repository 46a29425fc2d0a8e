using Microsoft.AspNetCore.Http.HttpResults;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Observability;
using StreamHub.Streaming;

namespace StreamHub.Admin;

internal static class StatsEndpoints
{
    public static RouteGroupBuilder MapStats(this RouteGroupBuilder group)
    {
        group.MapGet("/stats", GetStats)
            .WithName("GetStats")
            .WithSummary("Pool, queues, totals, latency percentiles, token rate and per-tenant usage and cost")
            .WithDescription("Latency percentiles cover the last 2048 streams; the token rate the last few seconds. Instance names the process that answered. With Admission:Scope=Cluster, pool and queues are the cluster's and 'cluster' tells whether this instance admits through it or alone (fallback).");
        return group;
    }

    internal static Ok<AdminStats> GetStats(
        IStreamAdmission admission,
        ActiveRequests requests,
        StreamStatistics statistics,
        InstanceInfo instance,
        TimeProvider time)
    {
        var snapshot = admission.Snapshot();
        var streaming = 0;
        foreach (var request in requests.List())
        {
            if (request.Started)
            {
                streaming++;
            }
        }

        var pool = new PoolStats(
            snapshot.PoolSize,
            snapshot.Active,
            streaming,
            snapshot.PoolSize == 0 ? 0 : Math.Round(snapshot.Active / (double)snapshot.PoolSize, 3),
            snapshot.BackpressureLimit,
            snapshot.Backpressure);
        var queues = new QueueDepths(
            snapshot.Queued(Priority.Critical),
            snapshot.Queued(Priority.High),
            snapshot.Queued(Priority.Normal),
            snapshot.Queued(Priority.Low));
        return TypedResults.Ok(new AdminStats(
            instance,
            time.GetUtcNow(),
            pool,
            queues,
            statistics.Totals(),
            statistics.TimeToFirstToken(),
            statistics.Duration(),
            statistics.TokensPerSecond(),
            statistics.Tenants(),
            snapshot.Cluster is { } cluster
                ? new ClusterStats(cluster.Fallback ? "fallback" : "cluster", cluster.Instance, cluster.Instances, cluster.FallbackPool, cluster.Reserved, cluster.LocalPermits)
                : null));
    }
}
