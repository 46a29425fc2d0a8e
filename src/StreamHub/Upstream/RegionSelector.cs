namespace StreamHub.Upstream;

/// <summary>
/// Picks the region for the next attempt: available regions only, ones this request has not tried yet
/// first, then by configured priority; among the regions left, by <c>Weight</c> (a smooth weighted round
/// robin, as nginx shares upstreams: every pick adds each candidate's weight to its running score, takes the
/// highest score and charges it the candidates' total), ties going to the lower EWMA of time to first token.
/// Holds no per-request state, so concurrent attempts (hedges) may pick at once; the caller guards its own
/// collections.
/// </summary>
internal sealed class RegionSelector(IReadOnlyList<UpstreamRegion> regions)
{
    private readonly Lock _turns = new();

    // The round robin's running score of each region, by index; only ever touched under _turns.
    private readonly long[] _scores = new long[regions.Count];

    public IReadOnlyList<UpstreamRegion> Regions => regions;

    /// <summary>The best available region, never one of <paramref name="exclude"/> (a hedge skips the regions already racing).</summary>
    public UpstreamRegion? Pick(IReadOnlyCollection<UpstreamRegion> tried, IReadOnlyCollection<UpstreamRegion>? exclude = null)
    {
        // The candidates are read once: a breaker may change between two looks, the pick must not.
        Span<int> candidates = regions.Count <= 64 ? stackalloc int[regions.Count] : new int[regions.Count];
        var count = 0;
        var bestTried = true;
        var bestPriority = int.MaxValue;
        for (var i = 0; i < regions.Count; i++)
        {
            var region = regions[i];
            if (!region.IsAvailable || (exclude is not null && Contains(exclude, region)))
            {
                continue;
            }

            var wasTried = Contains(tried, region);
            var priority = region.Options.Priority;
            if (count > 0)
            {
                var rank = Rank(wasTried, priority, bestTried, bestPriority);
                if (rank > 0)
                {
                    continue;
                }

                if (rank < 0)
                {
                    // A better rank: the candidates so far drop out.
                    count = 0;
                }
            }

            bestTried = wasTried;
            bestPriority = priority;
            candidates[count++] = i;
        }

        return count == 0 ? null : TakeTurn(candidates[..count]);
    }

    /// <summary>Whether a region other than the tried ones can take an attempt now.</summary>
    public bool HasUntried(IReadOnlyCollection<UpstreamRegion> tried)
    {
        foreach (var region in regions)
        {
            if (region.IsAvailable && !Contains(tried, region))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The soonest moment an open region may take a trial again.</summary>
    public TimeSpan? SoonestReopen(TimeProvider timeProvider)
    {
        DateTimeOffset? soonest = null;
        foreach (var region in regions)
        {
            if (region.OpenUntil is { } until && (soonest is null || until < soonest))
            {
                soonest = until;
            }
        }

        if (soonest is null)
        {
            return null;
        }

        var wait = soonest.Value - timeProvider.GetUtcNow();
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromSeconds(1);
    }

    public UpstreamRegion? Find(string name)
    {
        foreach (var region in regions)
        {
            if (string.Equals(region.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return region;
            }
        }

        return null;
    }

    /// <summary>Negative when (a) ranks before (b): untried before tried, then the lower priority number.</summary>
    private static int Rank(bool aTried, int aPriority, bool bTried, int bPriority)
        => aTried != bTried ? (aTried ? 1 : -1) : aPriority.CompareTo(bPriority);

    /// <summary>The weighted round robin among equally ranked <paramref name="candidates"/> (indexes into the regions).</summary>
    private UpstreamRegion TakeTurn(ReadOnlySpan<int> candidates)
    {
        if (candidates.Length == 1)
        {
            return regions[candidates[0]];
        }

        lock (_turns)
        {
            long total = 0;
            var chosen = -1;
            foreach (var i in candidates)
            {
                var weight = regions[i].Options.Weight;
                _scores[i] += weight;
                total += weight;
                if (chosen < 0 || _scores[i] > _scores[chosen]
                    || (_scores[i] == _scores[chosen] && regions[i].TtftScore < regions[chosen].TtftScore))
                {
                    chosen = i;
                }
            }

            _scores[chosen] -= total;
            return regions[chosen];
        }
    }

    private static bool Contains(IReadOnlyCollection<UpstreamRegion> tried, UpstreamRegion region)
    {
        foreach (var r in tried)
        {
            if (ReferenceEquals(r, region))
            {
                return true;
            }
        }

        return false;
    }
}
