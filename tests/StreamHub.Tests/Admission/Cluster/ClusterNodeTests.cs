using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>The time-dependent side of cluster admission (queue timeouts, heartbeats, the outage tolerance) on a fake clock, over a real redis-server.</summary>
public sealed class ClusterNodeTests : IAsyncLifetime
{
    private readonly string _prefix = "n" + Guid.NewGuid().ToString("N")[..8];
    private RedisServer _redis = null!;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task AcquireAsync_QueuedPastMaxQueueWait_QueueTimeoutAndTheClusterLineEmpties()
    {
        await using var node = await ClusterNode.StartAsync(_redis, _prefix, pool: 1);
        using var held = await node.Admission.AcquireAsync(Ticket("held")).AsTask().WaitAsync(StreamHubServer.Timeout);
        var waiting = node.Admission.AcquireAsync(Ticket("waits")).AsTask();
        await node.Time.WaitForTimerAsync(TimeSpan.FromSeconds(30));
        Assert.False(waiting.IsCompleted);
        Assert.Single(node.Admission.Snapshot().Entries);

        node.Time.Advance(TimeSpan.FromSeconds(30));

        using var lease = await waiting.WaitAsync(StreamHubServer.Timeout);
        Assert.True(AdmissionLease.TryGetRejection(lease, out var rejection));
        Assert.Equal(ErrorCodes.QueueTimeout, rejection.Code);
        Assert.StartsWith("waited 30 s in the normal queue; retry in ", rejection.Message, StringComparison.Ordinal);
        await Waits.EventuallyAsync(() => node.Admission.Snapshot().Entries.Count == 0, "the waiter leaves the cluster's line");
    }

    [Fact]
    public async Task AcquireAsync_CanceledWhileQueued_ThrowsAndTheClusterLineEmpties()
    {
        await using var node = await ClusterNode.StartAsync(_redis, _prefix, pool: 1);
        using var held = await node.Admission.AcquireAsync(Ticket("held")).AsTask().WaitAsync(StreamHubServer.Timeout);
        using var cancel = new CancellationTokenSource();
        var waiting = node.Admission.AcquireAsync(Ticket("waits"), 1, cancel.Token).AsTask();
        await Waits.EventuallyAsync(() => node.Admission.Snapshot().Entries.Count == 1, "the waiter queues");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(StreamHubServer.Timeout));
        await Waits.EventuallyAsync(() => node.Admission.Snapshot().Entries.Count == 0, "the waiter leaves the cluster's line");
        held.Dispose();
        await Waits.EventuallyAsync(() => node.Admission.Snapshot().Active == 0, "no permit is held");
    }

    [Fact]
    public async Task Heartbeat_ClockAdvancesAnInterval_RenewsTheLeaseInRedis()
    {
        await using var node = await ClusterNode.StartAsync(_redis, _prefix, pool: 1);
        var db = node.Link.Redis.GetDatabase();
        var key = node.Member.BaseKey.Append(":inst");
        var before = await db.SortedSetScoreAsync(key, node.Member.InstanceId);
        Assert.NotNull(before);

        await node.BeatUntilAsync(() => db.SortedSetScore(key, node.Member.InstanceId) > before, "the lease is renewed");
    }

    [Fact]
    public async Task Fallback_RedisGoneLongerThanTheTolerance_WaitersMoveToTheFallbackPoolAndWhatRunsIsRegisteredOnReturn()
    {
        await using var node = await ClusterNode.StartAsync(_redis, _prefix, pool: 2);
        var first = await node.Admission.AcquireAsync(Ticket("first")).AsTask().WaitAsync(StreamHubServer.Timeout);
        using var second = await node.Admission.AcquireAsync(Ticket("second")).AsTask().WaitAsync(StreamHubServer.Timeout);
        var waiting = node.Admission.AcquireAsync(Ticket("third")).AsTask();
        await Waits.EventuallyAsync(() => node.Admission.Snapshot().Entries.Count == 1, "the third waits in the cluster's line");

        await _redis.StopAsync();
        await node.BeatUntilAsync(() => !node.Link.InCluster, "the instance falls back");

        // Within the tolerance the waiter keeps its place; past it, it queues in the fallback pool of 2, behind both permits.
        Assert.False(waiting.IsCompleted);
        node.Time.Advance(node.Member.Tolerance);
        await node.BeatUntilAsync(() => node.Admission.Snapshot().Entries.Count == 1, "the waiter queues in the fallback pool");
        Assert.True(node.Admission.Snapshot().Cluster!.Fallback);
        first.Dispose();
        using var third = await waiting.WaitAsync(StreamHubServer.Timeout);
        Assert.True(third.IsAcquired);

        await _redis.RestartAsync();
        await node.BeatUntilAsync(() => node.Link.InCluster, "the instance rejoins");

        var snapshot = node.Admission.Snapshot();
        Assert.False(snapshot.Cluster!.Fallback);
        Assert.Equal(["second", "third"], snapshot.Cluster.Held.Select(h => h.RequestId).Order());
    }

    [Fact]
    public async Task AcquireAsync_NormalQueueOfOneFull_QueueFullWithItsLimitAndARetryHint()
    {
        await using var node = await ClusterNode.StartAsync(_redis, _prefix, pool: 1, extra: ("Admission:QueueLimits:Normal", "1"));
        using var held = await node.Admission.AcquireAsync(Ticket("held")).AsTask().WaitAsync(StreamHubServer.Timeout);
        var waiting = node.Admission.AcquireAsync(Ticket("waits")).AsTask();
        await Waits.EventuallyAsync(() => node.Admission.Snapshot().Entries.Count == 1, "one waits");

        using var lease = await node.Admission.AcquireAsync(Ticket("one too many")).AsTask().WaitAsync(StreamHubServer.Timeout);

        Assert.True(AdmissionLease.TryGetRejection(lease, out var rejection));
        Assert.Equal(ErrorCodes.QueueFull, rejection.Code);
        Assert.StartsWith("the normal queue holds 1 requests; retry in ", rejection.Message, StringComparison.Ordinal);
        Assert.False(waiting.IsCompleted);
    }

    [Fact]
    public async Task AcquireAsync_PastTheBackpressureLimit_OnlyCriticalStartsInTheHeadroom()
    {
        await using var node = await ClusterNode.StartAsync(_redis, _prefix, pool: 4, extra: ("Admission:BackpressureThreshold", "0.5"));
        using var one = await node.Admission.AcquireAsync(Ticket("one")).AsTask().WaitAsync(StreamHubServer.Timeout);
        using var two = await node.Admission.AcquireAsync(Ticket("two")).AsTask().WaitAsync(StreamHubServer.Timeout);

        var normal = node.Admission.AcquireAsync(Ticket("three")).AsTask();
        using var critical = await node.Admission.AcquireAsync(Ticket("urgent", Priority.Critical)).AsTask().WaitAsync(StreamHubServer.Timeout);

        Assert.True(critical.IsAcquired);
        var snapshot = node.Admission.Snapshot();
        Assert.Equal((4, 3, 2, true), (snapshot.PoolSize, snapshot.Active, snapshot.BackpressureLimit, snapshot.Backpressure));
        Assert.Equal("three", Assert.Single(snapshot.Entries).RequestId);
        Assert.False(normal.IsCompleted);
    }

    [Fact]
    public async Task AcquireAsync_LowWaitsThreeAgingIntervals_StartsAheadOfALaterHigh()
    {
        await using var node = await ClusterNode.StartAsync(_redis, _prefix, pool: 1, extra: ("Admission:AgingInterval", "00:00:00.300"));
        var held = await node.Admission.AcquireAsync(Ticket("held")).AsTask().WaitAsync(StreamHubServer.Timeout);
        var low = node.Admission.AcquireAsync(Ticket("low", Priority.Low)).AsTask();

        // Aging runs on Redis's clock: the snapshot ages the line each time it is read.
        await Waits.EventuallyAsync(
            () => node.Admission.Snapshot().Entries is [{ EffectivePriority: Priority.Critical }],
            "the low request ages into critical");
        var high = node.Admission.AcquireAsync(Ticket("high", Priority.High)).AsTask();
        await Waits.EventuallyAsync(() => node.Admission.Snapshot().Entries.Count == 2, "the high request queues");
        held.Dispose();

        using var first = await low.WaitAsync(StreamHubServer.Timeout);
        Assert.True(first.IsAcquired);
        Assert.False(high.IsCompleted);
    }

    private static AdmissionTicket Ticket(string id, Priority priority = Priority.Normal) => new(id, "tenant", priority);
}
