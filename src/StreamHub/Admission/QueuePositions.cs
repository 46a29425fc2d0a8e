namespace StreamHub.Admission;

/// <summary>
/// Tells waiters their queue position (the ticket's <see cref="AdmissionTicket.QueuePosition"/>, which the hub
/// turns into <c>Queued</c> callbacks). The first <see cref="TrackedLimit"/> positions are kept current after
/// every queue change; a waiter further back hears its position once when it joins and again when it moves
/// into that window.
/// </summary>
/// <remarks>
/// Positions are worked out under the admission's lock (<see cref="Refresh"/>, <see cref="Place"/>,
/// <see cref="Claim"/>) and delivered outside it (<see cref="Deliver"/>) by one thread at a time, batch after
/// batch, so each waiter hears its positions in order and a slow callback never holds the lock.
/// </remarks>
internal sealed class QueuePositions(Lock gate, AdmissionQueue queue, StartOrder order)
{
    /// <summary>How many leading queue positions are kept current.</summary>
    public const int TrackedLimit = 100;

    private readonly List<Waiter> _pending = [];
    private readonly List<(IProgress<int> Progress, int Position)> _batch = [];
    private bool _delivering;

    /// <summary>Under the lock, after a change: brings the tracked window up to date if the order changed.</summary>
    public void Refresh()
    {
        if (!queue.Changed)
        {
            return;
        }

        queue.Changed = false;
        var refresh = new PositionRefresh(this, TrackedLimit);
        order.Walk(ref refresh);
    }

    /// <summary>Under the lock, after <see cref="Refresh"/>: a newcomer beyond the window hears where it stands once.</summary>
    public void Place(Waiter newcomer)
    {
        if (newcomer.Position == 0)
        {
            newcomer.Position = order.PositionOf(newcomer);
            Schedule(newcomer);
        }
    }

    /// <summary>Under the lock: whoever finds positions to deliver and nobody delivering becomes the deliverer.</summary>
    public bool Claim()
    {
        if (_delivering || _pending.Count == 0)
        {
            return false;
        }

        _delivering = true;
        return true;
    }

    /// <summary>Outside the lock, when <see cref="Claim"/> said so: delivers until nothing is left to tell.</summary>
    public void Deliver(bool claimed)
    {
        if (!claimed)
        {
            return;
        }

        while (true)
        {
            lock (gate)
            {
                _batch.Clear();
                foreach (var waiter in _pending)
                {
                    waiter.NotifyPending = false;
                    if (waiter.State == WaiterState.Queued && waiter.Position != waiter.ReportedPosition)
                    {
                        waiter.ReportedPosition = waiter.Position;
                        _batch.Add((waiter.Ticket.QueuePosition!, waiter.Position));
                    }
                }

                _pending.Clear();
                if (_batch.Count == 0)
                {
                    _delivering = false;
                    return;
                }
            }

            foreach (var (progress, position) in _batch)
            {
                try
                {
                    progress.Report(position);
                }
                catch (Exception)
                {
                    // A caller's broken callback must not cost other waiters their updates.
                }
            }
        }
    }

    /// <summary>Under the lock: queues a notice for a waiter whose position changed.</summary>
    public void Schedule(Waiter waiter)
    {
        if (waiter.Ticket.QueuePosition is not null && !waiter.NotifyPending)
        {
            waiter.NotifyPending = true;
            _pending.Add(waiter);
        }
    }
}
