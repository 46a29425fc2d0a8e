using StreamHub.Admission.Cluster;
using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>A consistent picture of the pool and its queues, for operators and metrics.</summary>
/// <param name="PoolSize">Configured concurrent streams (may be below <paramref name="Active"/> just after a shrink).</param>
/// <param name="Active">Permits currently held.</param>
/// <param name="BackpressureLimit">Active count from which only critical requests may start.</param>
/// <param name="Backpressure">True while non-critical requests cannot start.</param>
/// <param name="QueuedByPriority">Waiters per requested priority, indexed by <see cref="Priority"/>.</param>
/// <param name="Entries">Every waiter, in the order it would start.</param>
/// <param name="Cluster">With <c>Admission:Scope=Cluster</c>: the instances, who holds each permit, and whether this instance is on its own.</param>
internal sealed record AdmissionSnapshot(
    int PoolSize,
    int Active,
    int BackpressureLimit,
    bool Backpressure,
    IReadOnlyList<int> QueuedByPriority,
    IReadOnlyList<QueuedRequest> Entries,
    ClusterView? Cluster = null)
{
    public int Queued(Priority priority) => QueuedByPriority[(int)priority];
}
