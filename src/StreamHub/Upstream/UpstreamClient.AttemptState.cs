namespace StreamHub.Upstream;

internal sealed partial class UpstreamClient
{
    /// <summary>
    /// One request's attempts before its first token, shared by the retry and, with hedging, by attempts that
    /// run at once: every member is guarded, since a hedge claims its region while the first attempt runs.
    /// </summary>
    private sealed class AttemptState(byte[] body)
    {
        private readonly Lock _gate = new();

        // Every region this request has tried (the selector prefers the others), across retries.
        private readonly List<UpstreamRegion> _tried = new(2);

        // The regions of the current race (one retry attempt: the first region and its hedges).
        private readonly List<UpstreamRegion> _race = new(2);

        // Every stream that reached its first token; all but the winner are disposed when the race ends.
        private readonly List<UpstreamStream> _opened = new(1);

        private UpstreamAttemptException? _decisive;

        public byte[] Body { get; } = body;

        /// <summary>The first failure that no other region can help with (a rejected request, refused credentials).</summary>
        public UpstreamAttemptException? Decisive
        {
            get
            {
                lock (_gate)
                {
                    return _decisive;
                }
            }
        }

        /// <summary>The region that started the current race; another winner means a hedge won.</summary>
        public UpstreamRegion? RaceLeader
        {
            get
            {
                lock (_gate)
                {
                    return _race.Count > 0 ? _race[0] : null;
                }
            }
        }

        /// <summary>Counted as tried before the first attempt: the pick prefers any other available region.</summary>
        public void Avoid(UpstreamRegion region)
        {
            lock (_gate)
            {
                _tried.Add(region);
            }
        }

        /// <summary>
        /// Picks a region and claims an attempt on it. The first attempt of a race takes the best region, falling
        /// back to tried ones; a hedge never takes a region already in this race, nor starts after a decisive
        /// failure. Null when no region can take it.
        /// </summary>
        public UpstreamRegion? Claim(RegionSelector selector, bool hedge)
        {
            lock (_gate)
            {
                if (!hedge)
                {
                    _race.Clear();
                }
                else if (_decisive is not null)
                {
                    return null;
                }

                while (true)
                {
                    var region = selector.Pick(_tried, hedge ? _race : null);
                    if (region is null)
                    {
                        return null;
                    }

                    AddOnce(_tried, region);
                    AddOnce(_race, region);
                    if (region.TryBeginAttempt())
                    {
                        return region;
                    }

                    // Another request took the half-open trial between the pick and now: the next pick skips it.
                }
            }
        }

        public bool HasUntried(RegionSelector selector)
        {
            lock (_gate)
            {
                return selector.HasUntried(_tried);
            }
        }

        public void Decide(UpstreamAttemptException failure)
        {
            lock (_gate)
            {
                _decisive ??= failure;
            }
        }

        public void Opened(UpstreamStream stream)
        {
            lock (_gate)
            {
                _opened.Add(stream);
            }
        }

        /// <summary>Disposes every opened stream but the winner (idempotent: Polly may have disposed a loser already).</summary>
        public async ValueTask DisposeLosersAsync(UpstreamStream? winner)
        {
            UpstreamStream[] opened;
            lock (_gate)
            {
                opened = [.. _opened];
                _opened.Clear();
            }

            foreach (var stream in opened)
            {
                if (!ReferenceEquals(stream, winner))
                {
                    await stream.DisposeAsync();
                }
            }
        }

        private static void AddOnce(List<UpstreamRegion> list, UpstreamRegion region)
        {
            if (!list.Contains(region))
            {
                list.Add(region);
            }
        }
    }
}
