namespace StreamHub.Admission;

/// <summary>Walks the first <paramref name="limit"/> waiters, giving each its position and a notice if it moved.</summary>
internal readonly struct PositionRefresh(QueuePositions positions, int limit) : IStartOrderVisitor
{
    public bool Visit(Waiter waiter, int position)
    {
        if (waiter.Position != position)
        {
            waiter.Position = position;
            positions.Schedule(waiter);
        }

        return position < limit;
    }
}
