using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission;

/// <summary>Small builders shared by the admission tests.</summary>
internal static class AdmissionTestKit
{
    /// <summary>The suite's one default bound (<see cref="Waits.Timeout"/>), under the name these tests know.</summary>
    public static readonly TimeSpan Wait = Waits.Timeout;

    public static AdmissionOptions Options(int pool = 1, double threshold = 1.0, int queueLimit = 1000) => new()
    {
        MaxConcurrentStreams = pool,
        BackpressureThreshold = threshold,
        QueueLimits = new AdmissionQueueLimits { Critical = queueLimit, High = queueLimit, Normal = queueLimit, Low = queueLimit },
        MaxQueueWait = TimeSpan.FromSeconds(30),
        AgingInterval = TimeSpan.FromSeconds(10),
    };

    public static PriorityAdmission Create(FakeTimeProvider time, int pool = 1, double threshold = 1.0, int queueLimit = 1000) =>
        new(Options(pool, threshold, queueLimit), time);

    public static AdmissionTicket Ticket(string id, Priority priority = Priority.Normal, string tenant = "t", IProgress<int>? positions = null) =>
        new(id, tenant, priority, positions);

    /// <summary>A waiter for the queue's own tests: arrival order <paramref name="seq"/>, queued at <paramref name="enqueuedAt"/>.</summary>
    public static Waiter Waiter(string id, Priority priority = Priority.Normal, string tenant = "t", long seq = 0, long enqueuedAt = 0, IProgress<int>? positions = null) =>
        new(Ticket(id, priority, tenant, positions), (int)priority, seq, enqueuedAt, TimeSpan.FromSeconds(30), CancellationToken.None);

    public static async Task<RateLimitLease> Granted(this PriorityAdmission admission, string id, Priority priority = Priority.Normal, string tenant = "t")
    {
        var lease = await admission.AcquireAsync(Ticket(id, priority, tenant)).AsTask().WaitAsync(Wait);
        Assert.True(lease.IsAcquired, $"{id} should start at once");
        return lease;
    }

    public static int Available(this PriorityAdmission admission) =>
        (int)admission.GetStatistics(Ticket("stats"))!.CurrentAvailablePermits;

    public static long Queued(this PriorityAdmission admission) =>
        admission.GetStatistics(Ticket("stats"))!.CurrentQueuedCount;
}

/// <summary>Records queue positions synchronously, as they are reported.</summary>
internal sealed class PositionRecorder : IProgress<int>
{
    private readonly List<int> _seen = [];

    public IReadOnlyList<int> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    public int Last
    {
        get
        {
            lock (_seen)
            {
                return _seen.Count == 0 ? 0 : _seen[^1];
            }
        }
    }

    public void Report(int value)
    {
        lock (_seen)
        {
            _seen.Add(value);
        }
    }
}
