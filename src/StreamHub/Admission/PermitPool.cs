using System.Threading.RateLimiting;

namespace StreamHub.Admission;

/// <summary>
/// The pool's bookkeeping: permits held, lease totals and how long streams hold a permit on average, which
/// sizes the retry hints. Makes the leases and the rejections. Used under the admission's lock.
/// </summary>
/// <param name="time">The clock of every timestamp passed in.</param>
/// <param name="release">What each granted lease calls, once, to return its permit.</param>
internal sealed class PermitPool(TimeProvider time, Action<AdmissionLease> release)
{
    private long _successfulLeases;
    private long _failedLeases;
    private TimeSpan _averageHold = AdmissionRule.MinRetryAfter;

    /// <summary>Permits held; may exceed the pool just after a shrink.</summary>
    public int Active { get; private set; }

    public AdmissionLease Grant(long now)
    {
        Active++;
        _successfulLeases++;
        return new AdmissionLease(release, now);
    }

    public void Return(AdmissionLease lease, long now)
    {
        Active--;

        // A running average of how long streams hold a permit makes the retry hints honest.
        _averageHold += (time.GetElapsedTime(lease.StartedAt, now) - _averageHold) / 8;
    }

    /// <summary>A rejection whose retry hint counts the <paramref name="waitingAhead"/> requests at or above its priority.</summary>
    public AdmissionLease Reject(string code, string reason, AdmissionRule rule, int waitingAhead)
    {
        _failedLeases++;
        var retryAfter = rule.RetryAfter(waitingAhead, _averageHold);
        return AdmissionLease.Rejected(new AdmissionRejection(
            code,
            $"{reason}; retry in {AdmissionRejection.Seconds(retryAfter)} s",
            retryAfter));
    }

    public RateLimiterStatistics Statistics(AdmissionRule rule, int queued) => new()
    {
        CurrentAvailablePermits = Math.Max(0, rule.PoolSize - Active),
        CurrentQueuedCount = queued,
        TotalSuccessfulLeases = _successfulLeases,
        TotalFailedLeases = _failedLeases,
    };
}
