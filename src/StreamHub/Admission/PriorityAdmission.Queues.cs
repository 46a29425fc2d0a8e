using System.Threading.RateLimiting;

namespace StreamHub.Admission;

// The intrusive queue structures. Every waiter sits in two doubly linked lists: its tenant's FIFO inside
// its current (effective) tier, and the age list of (current tier, requested tier), which is ordered by
// arrival so aging only ever looks at list heads.
internal sealed partial class PriorityAdmission
{
    private enum WaiterState
    {
        Queued,
        Granted,
        Canceled,
        TimedOut,
        Closed,
    }

    /// <summary>One queued request; it is its own task source so queueing allocates one object.</summary>
    private sealed class Waiter(PriorityAdmission owner, AdmissionTicket ticket, int native, long seq, long enqueuedAt, TimeSpan maxWait)
        : TaskCompletionSource<RateLimitLease>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public readonly PriorityAdmission Owner = owner;
        public readonly AdmissionTicket Ticket = ticket;
        public readonly int Native = native;
        public readonly long Seq = seq;
        public readonly long EnqueuedAt = enqueuedAt;
        public readonly TimeSpan MaxWait = maxWait;

        public WaiterState State;
        public int Tier;
        public TenantQueue? Queue;
        public Waiter? Prev;
        public Waiter? Next;
        public Waiter? AgePrev;
        public Waiter? AgeNext;

        public ITimer? Timer;
        public CancellationTokenRegistration Registration;
        public AdmissionLease? Lease;
        public Waiter? NextStarted;

        public int Position;
        public int ReportedPosition;
        public bool NotifyPending;
    }

    /// <summary>One tenant's FIFO within a tier, and its place in the tier's round-robin ring.</summary>
    private sealed class TenantQueue(string tenant)
    {
        public readonly string Tenant = tenant;
        public Waiter? Head;
        public Waiter? Tail;
        public int Count;
        public TenantQueue Prev = null!;
        public TenantQueue Next = null!;
        public Waiter? Walk;

        // Arrivals land at the tail; an aged waiter moving in is older than most, so scan from the tail.
        public void InsertBySeq(Waiter waiter)
        {
            var after = Tail;
            while (after is not null && after.Seq > waiter.Seq)
            {
                after = after.Prev;
            }

            waiter.Prev = after;
            waiter.Next = after is null ? Head : after.Next;
            if (waiter.Next is null)
            {
                Tail = waiter;
            }
            else
            {
                waiter.Next.Prev = waiter;
            }

            if (after is null)
            {
                Head = waiter;
            }
            else
            {
                after.Next = waiter;
            }

            Count++;
        }

        public void Unlink(Waiter waiter)
        {
            if (waiter.Prev is null)
            {
                Head = waiter.Next;
            }
            else
            {
                waiter.Prev.Next = waiter.Next;
            }

            if (waiter.Next is null)
            {
                Tail = waiter.Prev;
            }
            else
            {
                waiter.Next.Prev = waiter.Prev;
            }

            waiter.Prev = waiter.Next = null;
            Count--;
        }
    }

    /// <summary>A tier: tenants in a ring, <see cref="Cursor"/> is whose turn comes next.</summary>
    private sealed class TierQueue
    {
        public readonly Dictionary<string, TenantQueue> Tenants = new(StringComparer.Ordinal);
        public TenantQueue? Cursor;
        public int Count;
    }

    /// <summary>Waiters of one (current tier, requested tier) pair, oldest first.</summary>
    private sealed class AgeList
    {
        public Waiter? Head;
        public Waiter? Tail;

        public void Append(Waiter waiter)
        {
            waiter.AgePrev = Tail;
            waiter.AgeNext = null;
            if (Tail is null)
            {
                Head = waiter;
            }
            else
            {
                Tail.AgeNext = waiter;
            }

            Tail = waiter;
        }

        public void Remove(Waiter waiter)
        {
            if (waiter.AgePrev is null)
            {
                Head = waiter.AgeNext;
            }
            else
            {
                waiter.AgePrev.AgeNext = waiter.AgeNext;
            }

            if (waiter.AgeNext is null)
            {
                Tail = waiter.AgePrev;
            }
            else
            {
                waiter.AgeNext.AgePrev = waiter.AgePrev;
            }

            waiter.AgePrev = waiter.AgeNext = null;
        }
    }

    private AgeList AgeListOf(int tier, int native) => _ageLists[(tier * TierCount) + native];

    private void AddToTier(Waiter waiter, int tierIndex)
    {
        var tier = _tiers[tierIndex];
        if (!tier.Tenants.TryGetValue(waiter.Ticket.Tenant, out var queue))
        {
            queue = new TenantQueue(waiter.Ticket.Tenant);
            tier.Tenants.Add(queue.Tenant, queue);

            // A newcomer joins just before the cursor: it gets its turn after everyone already waiting
            // has had one, and never more than one turn later.
            if (tier.Cursor is null)
            {
                queue.Prev = queue.Next = queue;
                tier.Cursor = queue;
            }
            else
            {
                queue.Next = tier.Cursor;
                queue.Prev = tier.Cursor.Prev;
                tier.Cursor.Prev.Next = queue;
                tier.Cursor.Prev = queue;
            }
        }

        queue.InsertBySeq(waiter);
        tier.Count++;
        waiter.Tier = tierIndex;
        waiter.Queue = queue;
    }

    private void RemoveFromTier(Waiter waiter)
    {
        var tier = _tiers[waiter.Tier];
        var queue = waiter.Queue!;
        queue.Unlink(waiter);
        tier.Count--;
        waiter.Queue = null;
        if (queue.Count > 0)
        {
            return;
        }

        tier.Tenants.Remove(queue.Tenant);
        if (queue.Next == queue)
        {
            tier.Cursor = null;
            return;
        }

        if (tier.Cursor == queue)
        {
            tier.Cursor = queue.Next;
        }

        queue.Prev.Next = queue.Next;
        queue.Next.Prev = queue.Prev;
        queue.Prev = queue.Next = queue;
    }

    private void Enlist(Waiter waiter)
    {
        AddToTier(waiter, waiter.Native);
        AgeListOf(waiter.Native, waiter.Native).Append(waiter);
        _queued++;
        _queuedByPriority[waiter.Native]++;
        _queueChanged = true;
    }

    private void Delist(Waiter waiter)
    {
        AgeListOf(waiter.Tier, waiter.Native).Remove(waiter);
        RemoveFromTier(waiter);
        _queued--;
        _queuedByPriority[waiter.Native]--;
        _queueChanged = true;
    }
}
