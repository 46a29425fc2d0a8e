using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>Walks every waiter into the list operators see, with its age at <paramref name="now"/>.</summary>
internal readonly struct QueuedRequestCollector(List<QueuedRequest> entries, TimeProvider time, long now) : IStartOrderVisitor
{
    public List<QueuedRequest> Entries => entries;

    public bool Visit(Waiter waiter, int position)
    {
        Entries.Add(new QueuedRequest(
            waiter.Ticket.RequestId,
            waiter.Ticket.Tenant,
            (Priority)waiter.Requested,
            (Priority)waiter.Tier,
            time.GetElapsedTime(waiter.EnqueuedAt, now),
            position));
        return true;
    }
}
