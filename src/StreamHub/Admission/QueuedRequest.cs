using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>One waiter; <paramref name="EffectivePriority"/> is its priority after aging.</summary>
internal sealed record QueuedRequest(
    string RequestId,
    string Tenant,
    Priority Priority,
    Priority EffectivePriority,
    TimeSpan Age,
    int Position);
