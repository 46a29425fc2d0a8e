using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Admission;
using StreamHub.Contracts;
using static StreamHub.Tests.Admission.AdmissionTestKit;

namespace StreamHub.Tests.Admission;

public sealed class PriorityAdmissionTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Release_WaitersInEveryTier_StartCriticalHighNormalLow()
    {
        using var admission = Create(_time);
        var holder = await admission.Granted("holder");
        var low = admission.AcquireAsync(Ticket("low", Priority.Low)).AsTask();
        var normal = admission.AcquireAsync(Ticket("normal", Priority.Normal)).AsTask();
        var high = admission.AcquireAsync(Ticket("high", Priority.High)).AsTask();
        var critical = admission.AcquireAsync(Ticket("critical", Priority.Critical)).AsTask();

        var order = new List<string>();
        var pending = new Dictionary<Task<RateLimitLease>, string> { [low] = "low", [normal] = "normal", [high] = "high", [critical] = "critical" };
        var current = holder;
        while (pending.Count > 0)
        {
            current.Dispose();
            var started = await Task.WhenAny(pending.Keys).WaitAsync(Wait);
            Assert.Equal(1, pending.Keys.Count(task => task.IsCompleted));
            order.Add(pending[started]);
            pending.Remove(started);
            current = await started;
            Assert.True(current.IsAcquired);
        }

        Assert.Equal(["critical", "high", "normal", "low"], order);
    }

    [Fact]
    public async Task Release_SamePriorityOneTenant_StartsInArrivalOrder()
    {
        using var admission = Create(_time);
        var holder = await admission.Granted("holder");
        var first = admission.AcquireAsync(Ticket("1")).AsTask();
        var second = admission.AcquireAsync(Ticket("2")).AsTask();

        holder.Dispose();

        Assert.True((await first.WaitAsync(Wait)).IsAcquired);
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public async Task Release_LowWaitedTwoAgingIntervals_OvertakesLaterNormal()
    {
        using var admission = Create(_time);
        var holder = await admission.Granted("holder");
        var low = admission.AcquireAsync(Ticket("low", Priority.Low)).AsTask();
        _time.Advance(TimeSpan.FromSeconds(15));
        var normal = admission.AcquireAsync(Ticket("normal", Priority.Normal, tenant: "other")).AsTask();

        // At 20 s low has aged two tiers (high) while the normal one, 5 s old, is still normal.
        _time.Advance(TimeSpan.FromSeconds(5));
        var entries = admission.Snapshot().Entries;
        Assert.Equal(("low", Priority.High), (entries[0].RequestId, entries[0].EffectivePriority));
        Assert.Equal(("normal", Priority.Normal), (entries[1].RequestId, entries[1].EffectivePriority));
        holder.Dispose();

        var started = await low.WaitAsync(Wait);
        Assert.True(started.IsAcquired);
        Assert.False(normal.IsCompleted);
    }

    [Fact]
    public async Task Release_LowAndNormalAgedIntoSameTier_OlderGoesFirst()
    {
        using var admission = Create(_time);
        var holder = await admission.Granted("holder");
        var low = admission.AcquireAsync(Ticket("low", Priority.Low)).AsTask();
        _time.Advance(TimeSpan.FromSeconds(5));
        var normal = admission.AcquireAsync(Ticket("normal", Priority.Normal, tenant: "other")).AsTask();
        _time.Advance(TimeSpan.FromSeconds(15));

        holder.Dispose();

        Assert.True((await low.WaitAsync(Wait)).IsAcquired);
        Assert.False(normal.IsCompleted);
    }

    [Fact]
    public async Task Release_LowNotYetAged_LaterNormalGoesFirst()
    {
        using var admission = Create(_time);
        var holder = await admission.Granted("holder");
        var low = admission.AcquireAsync(Ticket("low", Priority.Low)).AsTask();
        _time.Advance(TimeSpan.FromSeconds(9));
        var normal = admission.AcquireAsync(Ticket("normal", Priority.Normal, tenant: "other")).AsTask();

        holder.Dispose();

        Assert.True((await normal.WaitAsync(Wait)).IsAcquired);
        Assert.False(low.IsCompleted);
    }

    [Fact]
    public async Task Release_TenantAQueuedThousandThenTenantBOne_BStartsWithinTwoReleases()
    {
        using var admission = Create(_time, queueLimit: 2000);
        var current = await admission.Granted("holder", tenant: "a");
        var fromA = new List<Task<RateLimitLease>>();
        for (var i = 0; i < 1000; i++)
        {
            fromA.Add(admission.AcquireAsync(Ticket($"a{i}", tenant: "a")).AsTask());
        }

        var fromB = admission.AcquireAsync(Ticket("b", tenant: "b")).AsTask();

        // Release 1 starts a0 (a's turn was current); release 2 must start b, not a1.
        current.Dispose();
        current = await fromA[0].WaitAsync(Wait);
        Assert.False(fromB.IsCompleted);
        current.Dispose();

        Assert.True(fromB.IsCompleted, "tenant b waited more than one turn");
        Assert.True((await fromB.WaitAsync(Wait)).IsAcquired);
        Assert.Equal(999, admission.Queued());
    }

    [Fact]
    public async Task AcquireAsync_QueueAtLimit_FailsAtOnceWithQueueFullAndRetryAfter()
    {
        using var admission = Create(_time, queueLimit: 2);
        using var holder = await admission.Granted("holder");
        _ = admission.AcquireAsync(Ticket("1")).AsTask();
        _ = admission.AcquireAsync(Ticket("2")).AsTask();

        using var lease = await admission.AcquireAsync(Ticket("3")).AsTask().WaitAsync(Wait);

        Assert.False(lease.IsAcquired);
        Assert.True(lease.TryGetMetadata(MetadataName.ReasonPhrase, out var code));
        Assert.Equal(ErrorCodes.QueueFull, code);
        Assert.True(lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30));
        Assert.True(AdmissionLease.TryGetRejection(lease, out var rejection));
        Assert.StartsWith("the normal queue holds 2 requests; retry in", rejection.Message, StringComparison.Ordinal);
        Assert.Equal(2, admission.Queued());
    }

    [Fact]
    public async Task AcquireAsync_OtherTierFull_StillQueues()
    {
        using var admission = Create(_time, queueLimit: 1);
        using var holder = await admission.Granted("holder");
        _ = admission.AcquireAsync(Ticket("normal")).AsTask();

        var high = admission.AcquireAsync(Ticket("high", Priority.High)).AsTask();

        Assert.False(high.IsCompleted);
        Assert.Equal(2, admission.Queued());
    }

    [Fact]
    public async Task AcquireAsync_WaitReachesMaxQueueWait_FailsWithQueueTimeout()
    {
        using var admission = Create(_time);
        using var holder = await admission.Granted("holder");
        var waiting = admission.AcquireAsync(Ticket("late", Priority.Low)).AsTask();

        _time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromTicks(1));

        using var lease = await waiting.WaitAsync(Wait);
        Assert.False(lease.IsAcquired);
        Assert.True(AdmissionLease.TryGetRejection(lease, out var rejection));
        Assert.Equal(ErrorCodes.QueueTimeout, rejection.Code);
        Assert.True(rejection.RetryAfter >= TimeSpan.FromSeconds(1));
        Assert.Equal(0, admission.Queued());
    }

    [Fact]
    public async Task AcquireAsync_PoolAtThreshold_NormalQueuesWhileCriticalStarts()
    {
        using var admission = Create(_time, pool: 10, threshold: 0.8);
        var leases = new List<RateLimitLease>();
        for (var i = 0; i < 8; i++)
        {
            leases.Add(await admission.Granted($"n{i}"));
        }

        var ninth = admission.AcquireAsync(Ticket("n8")).AsTask();
        leases.Add(await admission.Granted("c1", Priority.Critical));
        leases.Add(await admission.Granted("c2", Priority.Critical));
        var overPool = admission.AcquireAsync(Ticket("c3", Priority.Critical)).AsTask();

        Assert.False(ninth.IsCompleted);
        Assert.False(overPool.IsCompleted);
        Assert.True(admission.Snapshot().Backpressure);

        // One slot frees: the critical waiter takes it even though normal waited longer.
        leases[0].Dispose();
        Assert.True((await overPool.WaitAsync(Wait)).IsAcquired);
        Assert.False(ninth.IsCompleted);
    }

    [Theory]
    [InlineData(Priority.High)]
    [InlineData(Priority.Normal)]
    [InlineData(Priority.Low)]
    public async Task Release_NonCriticalWaiter_StartsOnlyOnceActiveDropsBelowThreshold(Priority priority)
    {
        using var admission = Create(_time, pool: 10, threshold: 0.8);
        var critical = new List<RateLimitLease>();
        for (var i = 0; i < 10; i++)
        {
            critical.Add(await admission.Granted($"c{i}", Priority.Critical));
        }

        var normal = admission.AcquireAsync(Ticket("n", priority)).AsTask();
        for (var i = 0; i < 2; i++)
        {
            critical[i].Dispose();
            Assert.False(normal.IsCompleted);
        }

        critical[2].Dispose();
        Assert.True((await normal.WaitAsync(Wait)).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_TinyThresholdIdlePool_StillStartsNormal()
    {
        using var admission = Create(_time, pool: 4, threshold: 0.1);

        using var lease = await admission.Granted("n");

        var second = admission.AcquireAsync(Ticket("n2")).AsTask();
        Assert.False(second.IsCompleted);
        lease.Dispose();
        Assert.True((await second.WaitAsync(Wait)).IsAcquired);
    }

    [Fact]
    public async Task AcquireAsync_CanceledWhileQueued_ThrowsAndNeverHoldsPermit()
    {
        using var admission = Create(_time);
        var holder = await admission.Granted("holder");
        using var cts = new CancellationTokenSource();
        var waiting = admission.AcquireAsync(Ticket("gone"), 1, cts.Token).AsTask();
        Assert.Equal(1, admission.Queued());

        await cts.CancelAsync();

        Assert.Equal(0, admission.Queued());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Wait));
        holder.Dispose();
        Assert.Equal(1, admission.Available());
    }

    [Fact]
    public async Task AcquireAsync_AlreadyCanceled_ThrowsWithoutQueueing()
    {
        using var admission = Create(_time);
        using var holder = await admission.Granted("holder");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => admission.AcquireAsync(Ticket("x"), 1, new CancellationToken(canceled: true)).AsTask().WaitAsync(Wait));
        Assert.Equal(0, admission.Queued());
    }

    [Fact]
    public async Task Dispose_Twice_ReturnsPermitOnce()
    {
        using var admission = Create(_time);
        var lease = await admission.Granted("once");

        lease.Dispose();
        lease.Dispose();

        Assert.Equal(1, admission.Available());
        using var first = await admission.Granted("a");
        var second = admission.AcquireAsync(Ticket("b")).AsTask();
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public void AttemptAcquire_NoFreeSlot_FailsWithoutQueueing()
    {
        using var admission = Create(_time);
        using var lease = admission.AttemptAcquire(Ticket("a"));
        Assert.True(lease.IsAcquired);

        using var refused = admission.AttemptAcquire(Ticket("b"));

        Assert.False(refused.IsAcquired);
        Assert.Equal(0, admission.Queued());
    }

    [Fact]
    public async Task UpdateLimits_GrowWhileBusy_StartsWaitersAtOnce()
    {
        using var admission = Create(_time, pool: 1);
        using var holder = await admission.Granted("holder");
        var first = admission.AcquireAsync(Ticket("1")).AsTask();
        var second = admission.AcquireAsync(Ticket("2")).AsTask();

        admission.UpdateLimits(Options(pool: 3));

        Assert.True((await first.WaitAsync(Wait)).IsAcquired);
        Assert.True((await second.WaitAsync(Wait)).IsAcquired);
        Assert.Equal(0, admission.Available());
    }

    [Fact]
    public async Task UpdateLimits_ShrinkBelowActive_BlocksStartsUntilActiveDropsUnderNewSize()
    {
        using var admission = Create(_time, pool: 3);
        var leases = new[] { await admission.Granted("1"), await admission.Granted("2"), await admission.Granted("3") };

        admission.UpdateLimits(Options(pool: 1));
        var waiting = admission.AcquireAsync(Ticket("w")).AsTask();

        leases[0].Dispose();
        Assert.False(waiting.IsCompleted);
        leases[1].Dispose();
        Assert.False(waiting.IsCompleted);
        leases[2].Dispose();
        Assert.True((await waiting.WaitAsync(Wait)).IsAcquired);
        Assert.Equal(0, admission.Available());
    }

    [Fact]
    public async Task AcquireAsync_QueueChanges_ReportsPositionsToWaiters()
    {
        using var admission = Create(_time);
        var holder = await admission.Granted("holder");
        var recorders = new[] { new PositionRecorder(), new PositionRecorder(), new PositionRecorder() };
        using var cts = new CancellationTokenSource();
        var first = admission.AcquireAsync(Ticket("1", positions: recorders[0]), 1, cts.Token).AsTask();
        var second = admission.AcquireAsync(Ticket("2", positions: recorders[1])).AsTask();
        var critical = admission.AcquireAsync(Ticket("3", Priority.Critical, positions: recorders[2])).AsTask();

        Assert.Equal([1, 2], recorders[0].Seen);
        Assert.Equal([2, 3], recorders[1].Seen);
        Assert.Equal([1], recorders[2].Seen);

        await cts.CancelAsync();
        Assert.Equal([2, 3, 2], recorders[1].Seen);

        holder.Dispose();
        Assert.True((await critical.WaitAsync(Wait)).IsAcquired);
        Assert.Equal(1, recorders[1].Last);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first.WaitAsync(Wait));
        Assert.False(second.IsCompleted);
    }

    [Fact]
    public async Task AcquireAsync_BeyondTrackedPositions_ToldItsPositionOnce()
    {
        using var admission = Create(_time, queueLimit: 1000);
        using var holder = await admission.Granted("holder");
        for (var i = 0; i < PriorityAdmission.PositionUpdateLimit + 10; i++)
        {
            _ = admission.AcquireAsync(Ticket($"a{i}", tenant: "a")).AsTask();
        }

        var recorder = new PositionRecorder();
        _ = admission.AcquireAsync(Ticket("b", tenant: "b", positions: recorder)).AsTask();

        // b joins behind a's first turn: a0, b, a1, ...
        Assert.Equal([2], recorder.Seen);
        var snapshot = admission.Snapshot();
        Assert.Equal("b", snapshot.Entries[1].RequestId);
        Assert.Equal(2, snapshot.Entries[1].Position);
    }

    [Fact]
    public async Task Snapshot_Waiters_ListsPoolQueuesAndEntriesInStartOrder()
    {
        using var admission = Create(_time, pool: 2, threshold: 0.5);
        using var holder = await admission.Granted("holder");
        _ = admission.AcquireAsync(Ticket("low", Priority.Low, tenant: "x")).AsTask();
        _time.Advance(TimeSpan.FromSeconds(3));
        _ = admission.AcquireAsync(Ticket("high", Priority.High, tenant: "y")).AsTask();

        var snapshot = admission.Snapshot();

        Assert.Equal(2, snapshot.PoolSize);
        Assert.Equal(1, snapshot.Active);
        Assert.Equal(1, snapshot.BackpressureLimit);
        Assert.True(snapshot.Backpressure);
        Assert.Equal(1, snapshot.Queued(Priority.Low));
        Assert.Equal(1, snapshot.Queued(Priority.High));
        Assert.Equal(
            [new QueuedRequest("high", "y", Priority.High, Priority.High, TimeSpan.Zero, 1),
             new QueuedRequest("low", "x", Priority.Low, Priority.Low, TimeSpan.FromSeconds(3), 2)],
            snapshot.Entries);
    }

    [Fact]
    public async Task Dispose_WithWaiters_RejectsThemWithShuttingDown()
    {
        var admission = Create(_time);
        var holder = await admission.Granted("holder");
        var waiting = admission.AcquireAsync(Ticket("w")).AsTask();

        admission.Dispose();

        using var lease = await waiting.WaitAsync(Wait);
        Assert.True(AdmissionLease.TryGetRejection(lease, out var rejection));
        Assert.Equal(ErrorCodes.ShuttingDown, rejection.Code);
        holder.Dispose();
    }
}
