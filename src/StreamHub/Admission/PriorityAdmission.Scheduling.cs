namespace StreamHub.Admission;

/// <summary>Who starts next: the pool and backpressure rules, aging, grants and rejections.</summary>
internal sealed partial class PriorityAdmission
{
    private bool CanStart(int tier) => _active < _poolSize && (tier == 0 || _active < _backpressureLimit);

    private AdmissionLease Grant(long now)
    {
        _active++;
        _successfulLeases++;
        return new AdmissionLease(this, now);
    }

    private AdmissionLease Reject(string code, string reason, int tier)
    {
        _failedLeases++;
        var retryAfter = EstimateRetryAfter(tier);
        return AdmissionLease.Rejected(new AdmissionRejection(
            code,
            $"{reason}; retry in {AdmissionRejection.Seconds(retryAfter)} s",
            retryAfter));
    }

    // A hint, not a promise: the time for the pool to work through the requests at or above this priority,
    // at the average hold time, rounded up to whole seconds and kept within [1 s, MaxQueueWait].
    private TimeSpan EstimateRetryAfter(int tier)
    {
        var ahead = 0;
        for (var i = 0; i <= tier; i++)
        {
            ahead += _queuedByPriority[i];
        }

        var rounds = (ahead / _poolSize) + 1;
        var estimate = TimeSpan.FromSeconds(Math.Ceiling((_averageHold * rounds).TotalSeconds));
        return estimate < MinRetryAfter ? MinRetryAfter : estimate > _maxQueueWait ? _maxQueueWait : estimate;
    }

    /// <summary>Ages waiters and starts as many as the rules allow; returns the started ones as a chain.</summary>
    private Waiter? Advance(long now)
    {
        if (_queued == 0)
        {
            return null;
        }

        Promote(now);
        Waiter? first = null;
        Waiter? last = null;
        while (_queued > 0 && _active < _poolSize)
        {
            var tierIndex = 0;
            while (_tiers[tierIndex].Count == 0)
            {
                tierIndex++;
            }

            if (tierIndex != 0 && _active >= _backpressureLimit)
            {
                break;
            }

            var tier = _tiers[tierIndex];
            var queue = tier.Cursor!;
            var waiter = queue.Head!;
            tier.Cursor = queue.Next;
            Delist(waiter);
            waiter.State = WaiterState.Granted;
            waiter.Lease = Grant(now);
            if (last is null)
            {
                first = waiter;
            }
            else
            {
                last.NextStarted = waiter;
            }

            last = waiter;
        }

        RefreshPositions();
        return first;
    }

    // Moves waiters whose age earned a better tier, oldest first across all lists: each destination age
    // list then stays oldest first, and an older waiter joins its new tier's ring ahead of a younger one.
    private void Promote(long now)
    {
        while (true)
        {
            Waiter? oldest = null;
            var oldestTarget = 0;
            for (var native = 1; native < TierCount; native++)
            {
                for (var tier = 1; tier <= native; tier++)
                {
                    if (AgeListOf(tier, native).Head is { } head
                        && (oldest is null || head.Seq < oldest.Seq)
                        && TargetTier(head, now) is var target
                        && target < tier)
                    {
                        oldest = head;
                        oldestTarget = target;
                    }
                }
            }

            if (oldest is null)
            {
                return;
            }

            AgeListOf(oldest.Tier, oldest.Native).Remove(oldest);
            RemoveFromTier(oldest);
            AddToTier(oldest, oldestTarget);
            AgeListOf(oldestTarget, oldest.Native).Append(oldest);
            _queueChanged = true;
        }
    }

    private int TargetTier(Waiter waiter, long now)
    {
        var steps = _time.GetElapsedTime(waiter.EnqueuedAt, now).Ticks / _agingInterval.Ticks;
        return (int)(waiter.Native - Math.Min(steps, waiter.Native));
    }
}
