namespace StreamHub.Admission;

/// <summary>
/// One tier's waiters: tenants take turns (round-robin), and each tenant's own requests go in arrival order.
/// The tenants with waiters form a ring; <see cref="Cursor"/> is whose turn comes next.
/// </summary>
internal sealed class TierQueue
{
    private readonly Dictionary<string, TenantQueue> _tenants = new(StringComparer.Ordinal);

    /// <summary>The tenant whose turn comes next; null while nobody waits in this tier.</summary>
    public TenantQueue? Cursor { get; private set; }

    public void Add(Waiter waiter)
    {
        if (!_tenants.TryGetValue(waiter.Ticket.Tenant, out var queue))
        {
            queue = new TenantQueue(waiter.Ticket.Tenant);
            _tenants.Add(queue.Tenant, queue);

            // A newcomer joins just before the cursor: it gets its turn after everyone already waiting
            // has had one, and never more than one turn later.
            if (Cursor is null)
            {
                queue.Prev = queue.Next = queue;
                Cursor = queue;
            }
            else
            {
                queue.Next = Cursor;
                queue.Prev = Cursor.Prev;
                Cursor.Prev.Next = queue;
                Cursor.Prev = queue;
            }
        }

        queue.InsertBySeq(waiter);
        waiter.Queue = queue;
    }

    /// <summary>Takes a waiter out; a tenant left without waiters leaves the ring.</summary>
    public void Remove(Waiter waiter)
    {
        var queue = waiter.Queue!;
        queue.Unlink(waiter);
        waiter.Queue = null;
        if (queue.Count > 0)
        {
            return;
        }

        _tenants.Remove(queue.Tenant);
        if (queue.Next == queue)
        {
            Cursor = null;
            return;
        }

        if (Cursor == queue)
        {
            Cursor = queue.Next;
        }

        queue.Prev.Next = queue.Next;
        queue.Next.Prev = queue.Prev;
        queue.Prev = queue.Next = queue;
    }

    /// <summary>
    /// The waiter whose turn it is (the oldest of the tenant at the cursor); the turn passes to the next
    /// tenant. The waiter stays queued until it is removed.
    /// </summary>
    public Waiter PassTurn()
    {
        var queue = Cursor ?? throw new InvalidOperationException("Nobody waits in this tier.");
        Cursor = queue.Next;
        return queue.Head!;
    }
}
