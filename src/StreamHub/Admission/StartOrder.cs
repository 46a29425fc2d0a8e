namespace StreamHub.Admission;

/// <summary>
/// The order in which waiters would start if nobody arrived and nobody aged: tiers best first, within a tier
/// tenants round-robin from the cursor, each tenant's own requests oldest first. Walks them in that order, or
/// counts one waiter's place without walking everyone ahead of it. Used under the admission's lock.
/// </summary>
internal sealed class StartOrder(AdmissionQueue queue, TimeProvider time)
{
    private readonly List<TenantQueue> _round = [];

    /// <summary>Every waiter, in start order, as operators see it.</summary>
    public List<QueuedRequest> Describe(long now)
    {
        var collector = new QueuedRequestCollector(new List<QueuedRequest>(queue.Count), time, now);
        Walk(ref collector);
        return collector.Entries;
    }

    /// <summary>Shows <paramref name="visitor"/> the waiters in start order until it says stop.</summary>
    public void Walk<TVisitor>(ref TVisitor visitor)
        where TVisitor : struct, IStartOrderVisitor
    {
        var position = 0;
        for (var tier = 0; tier < AdmissionRule.Tiers; tier++)
        {
            if (queue.Tier(tier).Cursor is not { } start)
            {
                continue;
            }

            // The first round visits every tenant's oldest; later rounds only tenants with more left.
            _round.Clear();
            var tenant = start;
            do
            {
                if (!visitor.Visit(tenant.Head!, ++position))
                {
                    _round.Clear();
                    return;
                }

                tenant.Walk = tenant.Head!.Next;
                if (tenant.Walk is not null)
                {
                    _round.Add(tenant);
                }

                tenant = tenant.Next;
            }
            while (tenant != start);

            while (_round.Count > 0)
            {
                var kept = 0;
                for (var i = 0; i < _round.Count; i++)
                {
                    var member = _round[i];
                    var waiter = member.Walk!;
                    if (!visitor.Visit(waiter, ++position))
                    {
                        _round.Clear();
                        return;
                    }

                    member.Walk = waiter.Next;
                    if (member.Walk is not null)
                    {
                        _round[kept++] = member;
                    }
                }

                _round.RemoveRange(kept, _round.Count - kept);
            }
        }
    }

    /// <summary>
    /// A waiter's 1-based place in start order, by counting: everyone in better tiers, then in its own tier
    /// each tenant ahead of it in the ring gets one more turn than the waiter's index in its tenant's line,
    /// each one behind as many.
    /// </summary>
    public int PositionOf(Waiter waiter)
    {
        var position = 1;
        for (var i = 0; i < waiter.Tier; i++)
        {
            position += queue.WaitingByTier[i];
        }

        var own = waiter.Queue!;
        var index = 0;
        if (waiter != own.Tail)
        {
            for (var w = own.Head; w != waiter; w = w!.Next)
            {
                index++;
            }
        }
        else
        {
            index = own.Count - 1;
        }

        var start = queue.Tier(waiter.Tier).Cursor!;
        var before = true;
        var tenant = start;
        do
        {
            if (tenant == own)
            {
                before = false;
                position += index;
            }
            else
            {
                position += Math.Min(tenant.Count, before ? index + 1 : index);
            }

            tenant = tenant.Next;
        }
        while (tenant != start);

        return position;
    }
}
