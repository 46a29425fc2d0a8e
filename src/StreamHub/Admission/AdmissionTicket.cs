using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>
/// What <see cref="PriorityAdmission"/> partitions on: who asks and how urgently.
/// </summary>
/// <param name="RequestId">The request's id, shown in snapshots.</param>
/// <param name="Tenant">Fairness unit: waiters of one priority take turns by tenant.</param>
/// <param name="Priority">Already capped by the caller's tier; the limiter trusts it.</param>
/// <param name="QueuePosition">
/// Told the 1-based queue position (1 = next in line) whenever it changes while the request waits.
/// Called outside the limiter's lock, from whichever thread changed the queue; keep it quick.
/// </param>
internal sealed record AdmissionTicket(
    string RequestId,
    string Tenant,
    Priority Priority,
    IProgress<int>? QueuePosition = null);
