namespace StreamHub.Admission;

/// <summary>One tenant's waiters within a tier, oldest first, and its place in the tier's round-robin ring.</summary>
internal sealed class TenantQueue(string tenant)
{
    public readonly string Tenant = tenant;
    public Waiter? Head;
    public Waiter? Tail;
    public int Count;
    public TenantQueue Prev = null!;
    public TenantQueue Next = null!;

    /// <summary>Scratch for <see cref="StartOrder"/>: the next of this tenant's waiters to visit.</summary>
    public Waiter? Walk;

    /// <summary>
    /// Inserts by arrival order. Arrivals land at the tail; a waiter aged into this tier is older than most,
    /// so the scan starts from the tail.
    /// </summary>
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
