using System.Threading.RateLimiting;

namespace StreamHub.Admission;

/// <summary>
/// One queued request. It is its own task source, so queueing allocates one object, and it carries the links
/// of the two lists it sits in at once: its tenant's FIFO within its current tier (<see cref="TenantQueue"/>)
/// and the age list of (current tier, requested tier) (<see cref="AgeList"/>). Its fields change under the
/// admission's lock; once it has left the line only the thread completing it touches it.
/// </summary>
internal sealed class Waiter(AdmissionTicket ticket, int requested, long seq, long enqueuedAt, TimeSpan maxWait, CancellationToken cancellationToken)
    : TaskCompletionSource<RateLimitLease>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    public readonly AdmissionTicket Ticket = ticket;

    /// <summary>The tier asked for; <see cref="Tier"/> is the one aging has lifted it to.</summary>
    public readonly int Requested = requested;

    /// <summary>Arrival order: lower came first.</summary>
    public readonly long Seq = seq;

    public readonly long EnqueuedAt = enqueuedAt;
    public readonly TimeSpan MaxWait = maxWait;
    public readonly CancellationToken CancellationToken = cancellationToken;

    public WaiterState State;
    public int Tier;
    public TenantQueue? Queue;
    public Waiter? Prev;
    public Waiter? Next;
    public Waiter? AgePrev;
    public Waiter? AgeNext;

    public ITimer? Timer;
    public CancellationTokenRegistration Registration;

    /// <summary>The outcome once it left the queue: a permit or a rejection (null when canceled).</summary>
    public AdmissionLease? Lease;

    /// <summary>The next waiter that left the queue in the same change, to be completed outside the lock.</summary>
    public Waiter? NextCompleted;

    public int Position;
    public int ReportedPosition;
    public bool NotifyPending;

    /// <summary>
    /// Outside the lock, once it left the queue: stops its timer and cancellation and ends its task with the
    /// outcome. Canceled waiters are completed from inside their cancellation callback, which needs no unregistering.
    /// </summary>
    public void Complete()
    {
        Timer?.Dispose();
        if (State == WaiterState.Canceled)
        {
            TrySetCanceled(CancellationToken);
            return;
        }

        Registration.Unregister();
        TrySetResult(Lease!);
    }
}
