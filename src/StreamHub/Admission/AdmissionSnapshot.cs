using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>A consistent picture of the pool and its queues, for operators and metrics.</summary>
/// <param name="PoolSize">Configured concurrent streams (may be below <paramref name="Active"/> just after a shrink).</param>
/// <param name="Active">Permits currently held.</param>
/// <param name="BackpressureLimit">Active count from which only critical requests may start.</param>
/// <param name="Backpressure">True while non-critical requests cannot start.</param>
/// <param name="QueuedByPriority">Waiters per requested priority, indexed by <see cref="Priority"/>.</param>
/// <param name="Entries">Every waiter, in the order it would start.</param>
internal sealed record AdmissionSnapshot(
    int PoolSize,
    int Active,
    int BackpressureLimit,
    bool Backpressure,
    IReadOnlyList<int> QueuedByPriority,
    IReadOnlyList<QueuedRequest> Entries)
{
    public int Queued(Priority priority) => QueuedByPriority[(int)priority];
}
