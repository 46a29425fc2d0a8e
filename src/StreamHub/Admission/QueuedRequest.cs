using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>One waiter; <paramref name="EffectivePriority"/> is its priority after aging.</summary>
/// <param name="Instance">With <c>Admission:Scope=Cluster</c>: the instance it waits on.</param>
internal sealed record QueuedRequest(
    string RequestId,
    string Tenant,
    Priority Priority,
    Priority EffectivePriority,
    TimeSpan Age,
    int Position,
    string? Instance = null);
