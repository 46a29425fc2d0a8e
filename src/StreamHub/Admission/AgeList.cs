namespace StreamHub.Admission;

/// <summary>
/// Waiters of one (current tier, requested tier) pair, oldest first: the oldest of each pair is the first to
/// earn its next tier, so aging only ever looks at list heads.
/// </summary>
internal sealed class AgeList
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
