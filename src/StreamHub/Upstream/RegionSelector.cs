namespace StreamHub.Upstream;

/// <summary>
/// Picks the region for the next attempt: available regions only, ones this request has not tried yet
/// first, then by configured priority, then by the EWMA of time to first token. Holds no per-request state,
/// so concurrent attempts (hedges) may pick at once; the caller guards its own collections.
/// </summary>
internal sealed class RegionSelector(IReadOnlyList<UpstreamRegion> regions)
{
    public IReadOnlyList<UpstreamRegion> Regions => regions;

    /// <summary>The best available region, never one of <paramref name="exclude"/> (a hedge skips the regions already racing).</summary>
    public UpstreamRegion? Pick(IReadOnlyCollection<UpstreamRegion> tried, IReadOnlyCollection<UpstreamRegion>? exclude = null)
    {
        UpstreamRegion? best = null;
        var bestTried = true;
        foreach (var region in regions)
        {
            if (!region.IsAvailable || (exclude is not null && Contains(exclude, region)))
            {
                continue;
            }

            var wasTried = Contains(tried, region);
            if (best is null || IsBetter(region, wasTried, best, bestTried))
            {
                best = region;
                bestTried = wasTried;
            }
        }

        return best;
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

    private static bool IsBetter(UpstreamRegion candidate, bool candidateTried, UpstreamRegion best, bool bestTried)
    {
        if (candidateTried != bestTried)
        {
            return !candidateTried;
        }

        if (candidate.Options.Priority != best.Options.Priority)
        {
            return candidate.Options.Priority < best.Options.Priority;
        }

        return candidate.TtftScore < best.TtftScore;
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
