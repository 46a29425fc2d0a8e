namespace StreamHub.Admission;

/// <summary>
/// The waiting line: one <see cref="TierQueue"/> per effective tier (round-robin across tenants inside),
/// and age lists that let aging lift waiters a tier at a time, oldest first. Not thread-safe: the admission
/// changes it under its lock.
/// </summary>
/// <remarks>
/// Every waiter sits in two doubly linked lists: its tenant's FIFO inside its current tier, and the age list
/// of (current tier, requested tier), which is ordered by arrival, so aging only ever looks at list heads.
/// </remarks>
internal sealed class AdmissionQueue
{
    private const int Tiers = AdmissionRule.Tiers;

    private readonly TimeProvider _time;
    private readonly TierQueue[] _tiers = [new(), new(), new(), new()];
    private readonly AgeList[] _ageLists = new AgeList[Tiers * Tiers];
    private readonly int[] _byTier = new int[Tiers];
    private readonly int[] _byRequested = new int[Tiers];

    public AdmissionQueue(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        for (var i = 0; i < _ageLists.Length; i++)
        {
            _ageLists[i] = new AgeList();
        }
    }

    /// <summary>Everyone waiting.</summary>
    public int Count { get; private set; }

    /// <summary>Set by every change to who waits or in what order; cleared by whoever brings positions up to date.</summary>
    public bool Changed { get; set; }

    /// <summary>Waiters per effective tier (after aging), best tier first.</summary>
    public ReadOnlySpan<int> WaitingByTier => _byTier;

    public TierQueue Tier(int tier) => _tiers[tier];

    /// <summary>Waiters that asked for <paramref name="tier"/>, wherever aging has taken them.</summary>
    public int Requested(int tier) => _byRequested[tier];

    /// <summary>Waiters that asked for <paramref name="tier"/> or better.</summary>
    public int RequestedUpTo(int tier)
    {
        var count = 0;
        for (var i = 0; i <= tier; i++)
        {
            count += _byRequested[i];
        }

        return count;
    }

    /// <summary>Waiters per requested tier, as a copy.</summary>
    public int[] RequestedCounts() => (int[])_byRequested.Clone();

    public void Enlist(Waiter waiter)
    {
        AddToTier(waiter, waiter.Requested);
        AgesOf(waiter.Requested, waiter.Requested).Append(waiter);
        Count++;
        _byRequested[waiter.Requested]++;
        Changed = true;
    }

    public void Delist(Waiter waiter)
    {
        AgesOf(waiter.Tier, waiter.Requested).Remove(waiter);
        RemoveFromTier(waiter);
        Count--;
        _byRequested[waiter.Requested]--;
        Changed = true;
    }

    /// <summary>Takes out the waiter whose turn it is in <paramref name="tier"/>; the turn passes to the next tenant.</summary>
    public Waiter TakeTurn(int tier)
    {
        var waiter = _tiers[tier].PassTurn();
        Delist(waiter);
        return waiter;
    }

    /// <summary>
    /// Moves waiters whose wait earned a better tier under <paramref name="rule"/>, oldest first across all
    /// lists: each destination age list then stays oldest first, and an older waiter joins its new tier's ring
    /// ahead of a younger one.
    /// </summary>
    public void Promote(long now, AdmissionRule rule)
    {
        while (true)
        {
            Waiter? oldest = null;
            var oldestTarget = 0;
            for (var requested = 1; requested < Tiers; requested++)
            {
                for (var tier = 1; tier <= requested; tier++)
                {
                    if (AgesOf(tier, requested).Head is { } head
                        && (oldest is null || head.Seq < oldest.Seq)
                        && rule.EffectiveTier(requested, _time.GetElapsedTime(head.EnqueuedAt, now)) is var target
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

            AgesOf(oldest.Tier, oldest.Requested).Remove(oldest);
            RemoveFromTier(oldest);
            AddToTier(oldest, oldestTarget);
            AgesOf(oldestTarget, oldest.Requested).Append(oldest);
            Changed = true;
        }
    }

    private AgeList AgesOf(int tier, int requested) => _ageLists[(tier * Tiers) + requested];

    private void AddToTier(Waiter waiter, int tier)
    {
        _tiers[tier].Add(waiter);
        _byTier[tier]++;
        waiter.Tier = tier;
    }

    private void RemoveFromTier(Waiter waiter)
    {
        _tiers[waiter.Tier].Remove(waiter);
        _byTier[waiter.Tier]--;
    }
}
