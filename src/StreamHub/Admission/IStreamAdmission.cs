using System.Threading.RateLimiting;

namespace StreamHub.Admission;

/// <summary>
/// Admission as the rest of StreamHub sees it: a permit per upstream stream (held for the stream's life),
/// a picture of the pool and its queues, and limits operators change at run time. <see cref="PriorityAdmission"/>
/// is the in-process one; an admission shared by a cluster implements the same front, with the same
/// <see cref="AdmissionRule"/>.
/// </summary>
internal interface IStreamAdmission
{
    /// <summary>
    /// Waits for a permit by the ticket's priority and tenant. The lease holds it until disposed; one that
    /// holds none carries an <see cref="AdmissionRejection"/> (<see cref="AdmissionLease.TryGetRejection"/>).
    /// Canceling <paramref name="cancellationToken"/> while queued throws <see cref="OperationCanceledException"/>.
    /// </summary>
    ValueTask<RateLimitLease> AcquireAsync(AdmissionTicket resource, int permitCount = 1, CancellationToken cancellationToken = default);

    /// <summary>The limits in force (the cluster's, with <c>Admission:Scope=Cluster</c>).</summary>
    AdmissionOptions Limits { get; }

    /// <summary>The pool, the queues and every waiter with its age and position.</summary>
    AdmissionSnapshot Snapshot();

    /// <summary>
    /// Changes pool size, queue limits, threshold and timings at run time (validated as at start-up). Permits
    /// already held stay held: after a shrink nothing starts until active drops under the new limits; after a
    /// grow waiters start at once. Shorter queue limits reject new arrivals but keep those already waiting. A
    /// new <see cref="AdmissionOptions.MaxQueueWait"/> applies to requests that queue from now on.
    /// </summary>
    void UpdateLimits(AdmissionOptions options);
}
