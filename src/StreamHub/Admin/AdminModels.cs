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

/// <summary>The pool: its size, permits held, streams past their first token, and the backpressure flag.</summary>
public sealed record PoolStats(int Size, int Active, int ActiveStreams, double Utilization, int BackpressureLimit, bool Backpressure);

/// <summary>Waiting requests per requested priority.</summary>
public sealed record QueueDepths(int Critical, int High, int Normal, int Low)
{
    public int Total => Critical + High + Normal + Low;
}

/// <summary>
/// One request in flight. <paramref name="State"/> is "queued" (waiting for a slot), "starting" (admitted
/// or validating, no upstream stream yet) or "streaming".
/// </summary>
public sealed record AdminRequest(
    string Id,
    string Tenant,
    string Priority,
    string? EffectivePriority,
    string State,
    int? QueuePosition,
    double AgeMs,
    string? Region,
    long Tokens);

/// <summary>The admission limits as <c>GET</c>/<c>PUT /admin/limits</c> carry them (the <c>Admission</c> settings).</summary>
public sealed record AdminLimits(
    int MaxConcurrentStreams,
    AdminQueueLimits QueueLimits,
    double BackpressureThreshold,
    TimeSpan MaxQueueWait,
    TimeSpan AgingInterval);

public sealed record AdminQueueLimits(int Critical, int High, int Normal, int Low);

/// <summary>A <c>PUT /admin/limits</c> body: fields left out keep their current value.</summary>
public sealed record AdminLimitsUpdate(
    int? MaxConcurrentStreams,
    AdminQueueLimitsUpdate? QueueLimits,
    double? BackpressureThreshold,
    TimeSpan? MaxQueueWait,
    TimeSpan? AgingInterval);

public sealed record AdminQueueLimitsUpdate(int? Critical, int? High, int? Normal, int? Low);
