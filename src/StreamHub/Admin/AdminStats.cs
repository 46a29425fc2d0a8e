using StreamHub.Observability;

namespace StreamHub.Admin;

/// <summary>What <c>GET /admin/stats</c> answers: the pool, queues, totals, latencies, usage and who answered.</summary>
public sealed record AdminStats(
    InstanceInfo Instance,
    DateTimeOffset At,
    PoolStats Pool,
    QueueDepths Queues,
    StreamTotals Totals,
    Percentiles TimeToFirstTokenMs,
    Percentiles DurationMs,
    double TokensPerSecond,
    IReadOnlyList<TenantUsageReport> Tenants);
