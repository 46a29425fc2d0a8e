using System.Diagnostics.CodeAnalysis;

namespace StreamHub.Admission;

/// <summary>
/// Per-tenant requests per minute, tokens per minute and concurrent streams, checked before a request
/// queues for the pool.
/// </summary>
/// <remarks>
/// Windows are fixed, one minute long, per tenant, and start with the first request after the previous
/// window ended; so a rejection's retry-after is exact (the moment the window ends), at the price of
/// allowing up to twice a limit across a window boundary. Tokens are charged from the caller's estimate
/// up front and corrected with <see cref="TenantLease.Correct"/> from real usage: inside the same window
/// the difference is applied either way; after the window rolled, only an overrun is charged, to the
/// current window. A single request larger than the whole token budget is admitted into an empty
/// window, or it could never run. A concurrency rejection's retry-after is a fixed one-second hint: the
/// slot frees when one of the tenant's streams ends, which nothing here can foresee.
/// </remarks>
internal sealed class TenantLimits(TimeProvider timeProvider) : ITenantLimits
{
    internal static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    internal static readonly TimeSpan ConcurrencyRetryAfter = TimeSpan.FromSeconds(1);
    private const int SweepEvery = 1024;

    private readonly Lock _lock = new();
    private readonly Dictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private int _untilSweep = SweepEvery;

    /// <summary>
    /// Takes one request (and <paramref name="estimatedTokens"/> tokens, and a concurrency slot) from the
    /// tenant's budget, or explains with <c>rate_limited</c> when it may try again. Nothing is charged on
    /// rejection. Dispose the lease when the stream ends.
    /// </summary>
    public bool TryAcquire(
        string tenant,
        TenantLimitSettings limits,
        int estimatedTokens,
        [NotNullWhen(true)] out TenantLease? lease,
        [NotNullWhen(false)] out AdmissionRejection? rejection)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentOutOfRangeException.ThrowIfNegative(estimatedTokens);
        lock (_lock)
        {
            var now = timeProvider.GetTimestamp();
            SweepIdle(now);
            if (!_tenants.TryGetValue(tenant, out var state))
            {
                state = new TenantState();
                _tenants.Add(tenant, state);
            }

            state.Roll(now, timeProvider);
            var windowLeft = Window - timeProvider.GetElapsedTime(state.WindowStart, now);
            var retryAfter = TimeSpan.Zero;
            string? reason = null;
            if (limits.MaxConcurrentStreams is { } maxStreams && state.Active >= maxStreams)
            {
                retryAfter = ConcurrencyRetryAfter;
                reason = TenantRejection.Streams(tenant, maxStreams);
            }

            if (limits.RequestsPerMinute is { } rpm && state.Requests >= rpm && windowLeft > retryAfter)
            {
                retryAfter = windowLeft;
                reason = TenantRejection.Requests(tenant, rpm);
            }

            if (limits.TokensPerMinute is { } tpm
                && state.Tokens > 0
                && (state.Tokens >= tpm || state.Tokens + (long)estimatedTokens > tpm)
                && windowLeft > retryAfter)
            {
                retryAfter = windowLeft;
                reason = TenantRejection.Tokens(tenant, tpm);
            }

            if (reason is not null)
            {
                lease = null;
                rejection = TenantRejection.Of(reason, retryAfter);
                return false;
            }

            state.Requests++;
            state.Tokens += estimatedTokens;
            state.Active++;
            lease = new TenantLease(this, state, state.WindowId, estimatedTokens);
            rejection = null;
            return true;
        }
    }

    /// <inheritdoc/>
    public ValueTask<ITenantLease> AcquireAsync(string tenant, TenantLimitSettings limits, int estimatedTokens, CancellationToken cancellationToken)
        => TryAcquire(tenant, limits, estimatedTokens, out var lease, out var rejection)
            ? new ValueTask<ITenantLease>(lease)
            : ValueTask.FromException<ITenantLease>(rejection.ToException());

    internal void Release(TenantState state)
    {
        lock (_lock)
        {
            state.Active--;
        }
    }

    internal void Correct(TenantLease lease, TenantState state, int actualTokens)
    {
        lock (_lock)
        {
            state.Roll(timeProvider.GetTimestamp(), timeProvider);
            var difference = (long)actualTokens - lease.Charged;
            if (lease.WindowId == state.WindowId)
            {
                state.Tokens = Math.Max(0, state.Tokens + difference);
            }
            else if (difference > 0)
            {
                state.Tokens += difference;
            }

            lease.Charged = actualTokens;
        }
    }

    // Tenants come and go (anonymous callers, retired keys): forget the idle ones now and then.
    private void SweepIdle(long now)
    {
        if (--_untilSweep > 0)
        {
            return;
        }

        _untilSweep = SweepEvery;
        foreach (var (tenant, state) in _tenants)
        {
            if (state.Active == 0 && timeProvider.GetElapsedTime(state.WindowStart, now) >= Window)
            {
                _tenants.Remove(tenant);
            }
        }
    }

    /// <summary>One tenant's current window and streams; guarded by the owner's lock.</summary>
    internal sealed class TenantState
    {
        private bool _started;

        public long WindowStart;
        public long WindowId;
        public int Requests;
        public long Tokens;
        public int Active;

        /// <summary>Starts a fresh window when the last one has ended (or none began yet).</summary>
        public void Roll(long now, TimeProvider time)
        {
            if (_started && time.GetElapsedTime(WindowStart, now) < Window)
            {
                return;
            }

            _started = true;
            WindowStart = now;
            WindowId++;
            Requests = 0;
            Tokens = 0;
        }
    }
}
