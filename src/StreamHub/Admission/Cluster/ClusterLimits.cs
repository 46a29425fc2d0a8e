using System.Globalization;
using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// The cluster's admission limits as this instance last read them from Redis (every heartbeat, every rejoin,
/// and at once when an operator changes them anywhere). A fresh cluster starts from the first instance's
/// <c>Admission</c> settings; <c>PUT /admin/limits</c> on any instance changes them for all.
/// </summary>
internal sealed class ClusterLimits(AdmissionOptions configured)
{
    /// <summary>How many values <see cref="Apply"/> reads: pool, threshold, four queue limits, wait and aging (ms).</summary>
    public const int Length = 8;

    private volatile AdmissionOptions _current = Copy(configured, configured);
    private volatile AdmissionRule _rule = new(configured);

    public AdmissionOptions Current => _current;

    public AdmissionRule Rule => _rule;

    /// <summary>What each instance admits on its own while Redis is unreachable: the pool over the expected instances.</summary>
    public int FallbackPool => Math.Max(1, _current.MaxConcurrentStreams / configured.ExpectedInstances);

    /// <summary>The options of the fallback pool: the cluster's limits with <see cref="FallbackPool"/> as the pool.</summary>
    public AdmissionOptions Fallback(int pool)
    {
        var options = Copy(_current, configured);
        options.MaxConcurrentStreams = pool;
        return options;
    }

    /// <summary>A rejection whose retry hint counts the <paramref name="waitingAhead"/> requests at or above its priority.</summary>
    public AdmissionLease Reject(string code, string reason, int waitingAhead, long averageHoldMs)
    {
        var retryAfter = _rule.RetryAfter(waitingAhead, TimeSpan.FromMilliseconds(averageHoldMs));
        return AdmissionLease.Rejected(new AdmissionRejection(code, $"{reason}; retry in {AdmissionRejection.Seconds(retryAfter)} s", retryAfter));
    }

    /// <summary>Takes the limits from a script's answer, from <paramref name="offset"/> on (see <see cref="Length"/>).</summary>
    public void Apply(RedisResult[] values, int offset)
    {
        if (values.Length < offset + Length || values[offset].IsNull)
        {
            return;
        }

        var next = new AdmissionOptions
        {
            MaxConcurrentStreams = (int)values[offset],
            BackpressureThreshold = double.Parse((string)values[offset + 1]!, CultureInfo.InvariantCulture),
            QueueLimits = new AdmissionQueueLimits
            {
                Critical = (int)values[offset + 2],
                High = (int)values[offset + 3],
                Normal = (int)values[offset + 4],
                Low = (int)values[offset + 5],
            },
            MaxQueueWait = TimeSpan.FromMilliseconds((long)values[offset + 6]),
            AgingInterval = TimeSpan.FromMilliseconds((long)values[offset + 7]),
        };
        Set(next);
    }

    /// <summary>Takes new limits (validated by the caller).</summary>
    public void Set(AdmissionOptions limits)
    {
        var copy = Copy(limits, configured);
        _rule = new AdmissionRule(copy);
        _current = copy;
    }

    /// <summary>The limits as the limits script and a fresh state's rejoin write them.</summary>
    public static void Write(AdmissionOptions limits, RedisValue[] into, int offset)
    {
        var rule = new AdmissionRule(limits);
        into[offset] = limits.MaxConcurrentStreams;
        into[offset + 1] = rule.BackpressureLimit;
        into[offset + 2] = limits.BackpressureThreshold.ToString("R", CultureInfo.InvariantCulture);
        into[offset + 3] = limits.QueueLimits.Critical;
        into[offset + 4] = limits.QueueLimits.High;
        into[offset + 5] = limits.QueueLimits.Normal;
        into[offset + 6] = limits.QueueLimits.Low;
        into[offset + 7] = (long)limits.MaxQueueWait.TotalMilliseconds;
        into[offset + 8] = (long)limits.AgingInterval.TotalMilliseconds;
    }

    private static AdmissionOptions Copy(AdmissionOptions limits, AdmissionOptions settings) => new()
    {
        MaxConcurrentStreams = limits.MaxConcurrentStreams,
        BackpressureThreshold = limits.BackpressureThreshold,
        QueueLimits = new AdmissionQueueLimits
        {
            Critical = limits.QueueLimits.Critical,
            High = limits.QueueLimits.High,
            Normal = limits.QueueLimits.Normal,
            Low = limits.QueueLimits.Low,
        },
        MaxQueueWait = limits.MaxQueueWait,
        AgingInterval = limits.AgingInterval,
        Scope = settings.Scope,
        LeaseTimeout = settings.LeaseTimeout,
        ExpectedInstances = settings.ExpectedInstances,
    };
}
