using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>Queue positions: walking the waiters in start order and telling them where they stand, outside the lock.</summary>
internal sealed partial class PriorityAdmission
{
    private void RefreshPositions()
    {
        if (_queueChanged)
        {
            _queueChanged = false;
            WalkInOrder(PositionUpdateLimit, null, 0);
        }
    }

    /// <summary>
    /// Visits waiters in the order they would start (no arrivals, no aging): tiers best first, within a tier
    /// round-robin from the cursor. Updates positions, or collects entries when asked to.
    /// </summary>
    private void WalkInOrder(int limit, List<QueuedRequest>? entries, long now)
    {
        var position = 0;
        foreach (var tier in _tiers)
        {
            if (tier.Cursor is not { } start)
            {
                continue;
            }

            _round.Clear();
            var queue = start;
            do
            {
                if (!Visit(queue.Head!, ++position, limit, entries, now))
                {
                    _round.Clear();
                    return;
                }

                queue.Walk = queue.Head!.Next;
                if (queue.Walk is not null)
                {
                    _round.Add(queue);
                }

                queue = queue.Next;
            }
            while (queue != start);

            while (_round.Count > 0)
            {
                var kept = 0;
                for (var i = 0; i < _round.Count; i++)
                {
                    var member = _round[i];
                    var waiter = member.Walk!;
                    if (!Visit(waiter, ++position, limit, entries, now))
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

    private bool Visit(Waiter waiter, int position, int limit, List<QueuedRequest>? entries, long now)
    {
        if (entries is not null)
        {
            entries.Add(new QueuedRequest(
                waiter.Ticket.RequestId,
                waiter.Ticket.Tenant,
                (Priority)waiter.Native,
                (Priority)waiter.Tier,
                _time.GetElapsedTime(waiter.EnqueuedAt, now),
                position));
        }
        else if (waiter.Position != position)
        {
            waiter.Position = position;
            ScheduleNotification(waiter);
        }

        return position < limit;
    }

    // Position of a waiter outside the tracked window, by counting instead of walking everyone: each
    // tenant ahead of it in the ring gets one more turn than its own index, each one behind as many.
    private int PositionOf(Waiter waiter)
    {
        var position = 1;
        for (var i = 0; i < waiter.Tier; i++)
        {
            position += _tiers[i].Count;
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

        var start = _tiers[waiter.Tier].Cursor!;
        var before = true;
        var queue = start;
        do
        {
            if (queue == own)
            {
                before = false;
                position += index;
            }
            else
            {
                position += Math.Min(queue.Count, before ? index + 1 : index);
            }

            queue = queue.Next;
        }
        while (queue != start);

        return position;
    }

    private void ScheduleNotification(Waiter waiter)
    {
        if (waiter.Ticket.QueuePosition is not null && !waiter.NotifyPending)
        {
            waiter.NotifyPending = true;
            _pendingNotifications.Add(waiter);
        }
    }

    // Under the lock: whoever finds notifications pending and nobody delivering becomes the deliverer.
    private bool ClaimNotifications()
    {
        if (_notifying || _pendingNotifications.Count == 0)
        {
            return false;
        }

        _notifying = true;
        return true;
    }

    private void Notify(bool claimed)
    {
        if (!claimed)
        {
            return;
        }

        while (true)
        {
            lock (_lock)
            {
                _notificationBatch.Clear();
                foreach (var waiter in _pendingNotifications)
                {
                    waiter.NotifyPending = false;
                    if (waiter.State == WaiterState.Queued && waiter.Position != waiter.ReportedPosition)
                    {
                        waiter.ReportedPosition = waiter.Position;
                        _notificationBatch.Add((waiter.Ticket.QueuePosition!, waiter.Position));
                    }
                }

                _pendingNotifications.Clear();
                if (_notificationBatch.Count == 0)
                {
                    _notifying = false;
                    return;
                }
            }

            foreach (var (progress, position) in _notificationBatch)
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
}
