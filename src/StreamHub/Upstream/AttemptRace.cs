namespace StreamHub.Upstream;

/// <summary>
/// One open of a request's stream on the regions of one model (<see cref="ModelRoute"/>), shared by the retry's attempts and, with hedging, by attempts that run at
/// once (a hedge claims its region while the first attempt runs, so every member is guarded): the regions
/// tried so far, the regions of the current race (one retry attempt: the first region and its hedges), the
/// streams that reached a first token, and the first failure no other region can help with.
/// </summary>
internal sealed class AttemptRace(
    UpstreamAttemptRunner runner,
    ModelRoute route,
    TimeProvider timeProvider,
    UpstreamRequestScope scope,
    RequestBodies bodies)
{
    private readonly Lock _gate = new();

    // Every region this open has tried (the selector prefers the others), across retries.
    private readonly List<UpstreamRegion> _tried = new(2);

    // The regions of the current race: one retry attempt, its first region and its hedges.
    private readonly List<UpstreamRegion> _race = new(2);

    // Every stream that reached its first token; all but the winner are disposed when the open ends.
    private readonly List<UpstreamStream> _opened = new(1);

    private UpstreamAttemptException? _decisive;

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
    public UpstreamRegion? Leader
    {
        get
        {
            lock (_gate)
            {
                return _race.Count > 0 ? _race[0] : null;
            }
        }
    }

    /// <summary>Counted as tried before the first attempt: the pick prefers any other available region, and falls back to it.</summary>
    public void Avoid(UpstreamRegion region)
    {
        lock (_gate)
        {
            _tried.Add(region);
        }
    }

    /// <summary>Whether a region this open has not tried yet can take an attempt now.</summary>
    public bool HasUntried()
    {
        lock (_gate)
        {
            return route.Selector.HasUntried(_tried);
        }
    }

    /// <summary>The first attempt of a race (one retry attempt): the best region now, tried ones as a fallback.</summary>
    public async ValueTask<UpstreamStream> RunFirstAsync(CancellationToken token)
    {
        var region = Claim(hedge: false) ?? throw UpstreamFailureClassifier.NoRegion(route.Selector.SoonestReopen(timeProvider), route.Model);
        return await RunAsync(region, token);
    }

    /// <summary>
    /// Claims a region for a hedge: never one already in this race, nor after a decisive failure. Null when
    /// no region can take it.
    /// </summary>
    public UpstreamRegion? ClaimHedge() => Claim(hedge: true);

    /// <summary>Opens the stream on a claimed region, recording what the race needs to know about the outcome.</summary>
    public async ValueTask<UpstreamStream> RunAsync(UpstreamRegion region, CancellationToken token)
    {
        try
        {
            // Each region gets the model under its own name (Upstream:Regions:N:Models); each name's body is written once.
            var stream = await runner.OpenAsync(region, route, bodies.For(route.UpstreamNameFor(region)), scope, token);
            lock (_gate)
            {
                _opened.Add(stream);
            }

            return stream;
        }
        catch (UpstreamAttemptException ex) when (ex.Retry is RetryScope.None)
        {
            lock (_gate)
            {
                _decisive ??= ex;
            }

            throw;
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

    private UpstreamRegion? Claim(bool hedge)
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
                var region = route.Selector.Pick(_tried, hedge ? _race : null);
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

    private static void AddOnce(List<UpstreamRegion> list, UpstreamRegion region)
    {
        if (!list.Contains(region))
        {
            list.Add(region);
        }
    }
}
