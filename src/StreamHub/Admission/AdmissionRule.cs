using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>
/// Who may start, as a pure function of numbers: strict tiers, the backpressure headroom kept for critical
/// requests, aging and the retry hint. It reads no clock, holds no lock and knows nothing of how waiters are
/// stored, so an admission over another store (a cluster's queue in Redis) applies the same rule to its own
/// counts. One instance per set of limits; new limits make a new rule.
/// </summary>
/// <remarks>
/// <para>Backpressure: with <c>limit = max(1, floor(threshold × pool))</c>, a request whose effective tier is
/// not critical starts only while <c>active &lt; limit</c>; a critical one starts while <c>active &lt; pool</c>.
/// Because the limit is at least 1, an idle pool always starts whoever waits.</para>
/// <para>Aging: a waiter rises one tier per <see cref="AgingInterval"/> waited, up to critical; aged into
/// critical it may use the headroom, which is what keeps low from starving under sustained load.</para>
/// </remarks>
internal sealed class AdmissionRule
{
    /// <summary>Critical, high, normal, low: the tier index is the <see cref="Priority"/> value.</summary>
    public const int Tiers = 4;

    /// <summary>The shortest retry hint given with a rejection.</summary>
    public static readonly TimeSpan MinRetryAfter = TimeSpan.FromSeconds(1);

    private readonly int[] _queueLimits = new int[Tiers];

    /// <summary>Validates <paramref name="options"/> (as at start-up, naming the key) and derives the rule.</summary>
    public AdmissionRule(AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var result = new AdmissionOptionsValidator().Validate(null, options);
        if (result.Failed)
        {
            throw new OptionsValidationException(AdmissionOptions.SectionName, typeof(AdmissionOptions), result.Failures);
        }

        PoolSize = options.MaxConcurrentStreams;

        // The epsilon keeps 0.8 × 10 at 8 despite binary floating point.
        BackpressureLimit = Math.Max(1, (int)Math.Floor((options.BackpressureThreshold * PoolSize) + 1e-9));
        MaxQueueWait = options.MaxQueueWait;
        AgingInterval = options.AgingInterval;
        for (var tier = 0; tier < Tiers; tier++)
        {
            _queueLimits[tier] = options.QueueLimits[(Priority)tier];
        }
    }

    /// <summary>The pool: permits that may be held at once.</summary>
    public int PoolSize { get; }

    /// <summary>Active count from which only critical requests may start.</summary>
    public int BackpressureLimit { get; }

    /// <summary>How long a request may wait before it fails with <c>queue_timeout</c>.</summary>
    public TimeSpan MaxQueueWait { get; }

    /// <summary>Waiting time that lifts a request one tier.</summary>
    public TimeSpan AgingInterval { get; }

    /// <summary>How many requests of a requested tier may wait.</summary>
    public int QueueLimit(int tier) => _queueLimits[tier];

    /// <summary>Whether a request of effective <paramref name="tier"/> may take a permit now.</summary>
    public bool CanStart(int tier, int active) => active < PoolSize && (tier == 0 || active < BackpressureLimit);

    /// <summary>
    /// Strict tiers: the tier whose turn it is (the best one anyone waits in), or -1 when nobody waits or the
    /// best waiter may not start yet. Nobody in a worse tier starts while a better tier waits.
    /// </summary>
    /// <param name="waitingByTier">Waiters per effective tier, best first.</param>
    /// <param name="active">Permits held.</param>
    public int NextTier(ReadOnlySpan<int> waitingByTier, int active)
    {
        for (var tier = 0; tier < waitingByTier.Length; tier++)
        {
            if (waitingByTier[tier] > 0)
            {
                return CanStart(tier, active) ? tier : -1;
            }
        }

        return -1;
    }

    /// <summary>Aging: the tier a request of <paramref name="requested"/> tier has earned after waiting <paramref name="waited"/>.</summary>
    public int EffectiveTier(int requested, TimeSpan waited)
    {
        var steps = waited.Ticks / AgingInterval.Ticks;
        return (int)(requested - Math.Min(steps, requested));
    }

    /// <summary>
    /// A hint, not a promise: the time for the pool to work through <paramref name="waitingAhead"/> requests at
    /// <paramref name="averageHold"/> each, rounded up to whole seconds and kept within [1 s, MaxQueueWait].
    /// </summary>
    public TimeSpan RetryAfter(int waitingAhead, TimeSpan averageHold)
    {
        var rounds = (waitingAhead / PoolSize) + 1;
        var estimate = TimeSpan.FromSeconds(Math.Ceiling((averageHold * rounds).TotalSeconds));
        return estimate < MinRetryAfter ? MinRetryAfter : estimate > MaxQueueWait ? MaxQueueWait : estimate;
    }

    /// <summary>The tier's name as callers read it in messages ("the normal queue holds ...").</summary>
    public static string Name(int tier) => tier switch
    {
        0 => "critical",
        1 => "high",
        2 => "normal",
        _ => "low",
    };
}
