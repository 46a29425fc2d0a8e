using StreamHub.Observability;

namespace StreamHub.Admin;

/// <summary>
/// What <c>GET /admin/stats</c> answers: the pool, queues, totals, latencies, usage and who answered. With
/// <c>Admission:Scope=Cluster</c> the pool and queues are the cluster's, and <paramref name="Cluster"/> says whether
/// this instance admits through it or on its own.
/// </summary>
public sealed record AdminStats(
    InstanceInfo Instance,
    DateTimeOffset At,
    PoolStats Pool,
    QueueDepths Queues,
    StreamTotals Totals,
    Percentiles TimeToFirstTokenMs,
    Percentiles DurationMs,
    double TokensPerSecond,
    IReadOnlyList<TenantUsageReport> Tenants,
    ClusterStats? Cluster = null);
