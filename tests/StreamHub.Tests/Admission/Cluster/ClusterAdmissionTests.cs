using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>Three StreamHub instances on their own Kestrels, one redis-server, one emulator, a cluster pool of 2.</summary>
public sealed class ClusterAdmissionTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private EmulatorServer _emulator = null!;
    private StreamHubServer[] _hubs = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _emulator = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());
        _hubs = await ClusterKit.StartAsync(3, ClusterKit.Settings(_redis, pool: 2), _emulator);
    }

    public async Task DisposeAsync()
    {
        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }

        await _emulator.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Stream_PoolOfTwoOverThreeInstances_UpstreamNeverSeesMoreThanTwoAndFreedPermitsGoByTier()
    {
        var callers = await ConnectAsync(ClusterKit.KeyA);
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();
        var held = new[]
        {
            ClusterKit.DrainAsync(await ClusterKit.StreamAsync(callers[0], ClusterKit.Request("hold-1", ClusterKit.Hold, Priority.Critical, null), first.Token)),
            ClusterKit.DrainAsync(await ClusterKit.StreamAsync(callers[1], ClusterKit.Request("hold-2", ClusterKit.Hold, Priority.Critical, null), second.Token)),
        };
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 2, "the two holders stream");

        // Lowest tier first, spread over the instances: none may start before every better one has.
        Priority[] tiers = [Priority.Low, Priority.Normal, Priority.High, Priority.Critical, Priority.Low, Priority.Normal, Priority.High, Priority.Critical];
        var waiting = new List<Task<string>>();
        for (var i = 0; i < tiers.Length; i++)
        {
            var request = ClusterKit.Request($"w{i}", $"wait {tiers[i]} {i}", tiers[i], maxTokens: 2);
            waiting.Add(ClusterKit.DrainAsync(await ClusterKit.StreamAsync(callers[i % 3], request)));
        }

        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_hubs[2]).Entries.Count == tiers.Length, "eight waiters in the cluster's line");

        // One permit frees: the waiters take it one after another, each starting only when the one before ended.
        await first.CancelAsync();
        await Task.WhenAll(waiting).WaitAsync(StreamHubServer.Timeout);
        await second.CancelAsync();
        await Task.WhenAll(held).WaitAsync(StreamHubServer.Timeout);

        var started = _emulator.State.GetRequests()
            .Select(r => r.Messages[^1].Content)
            .Where(prompt => prompt.StartsWith("wait ", StringComparison.Ordinal))
            .Select(prompt => Enum.Parse<Priority>(prompt.Split(' ')[1]))
            .ToArray();
        Assert.Equal([Priority.Critical, Priority.Critical, Priority.High, Priority.High, Priority.Normal, Priority.Normal, Priority.Low, Priority.Low], started);
        Assert.True(_emulator.State.PeakOpenStreams <= 2, $"the upstream saw {_emulator.State.PeakOpenStreams} streams at once");
        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_hubs[0]).Active == 0 && _emulator.State.OpenStreams == 0, "the pool empties");
    }

    [Fact]
    public async Task Stream_OneTierTwoTenantsOnTwoInstances_TenantsTakeTurnsAndPositionsAreClusterWide()
    {
        var holders = await ConnectAsync(ClusterKit.KeyA);
        using var hold = new CancellationTokenSource();
        using var holdOn = new CancellationTokenSource();
        var held = new[]
        {
            ClusterKit.DrainAsync(await ClusterKit.StreamAsync(holders[0], ClusterKit.Request("hold-1", ClusterKit.Hold, Priority.Critical, null), hold.Token)),
            ClusterKit.DrainAsync(await ClusterKit.StreamAsync(holders[1], ClusterKit.Request("hold-2", ClusterKit.Hold, Priority.Critical, null), holdOn.Token)),
        };
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 2, "the two holders stream");
        await using var a = await HubCaller.ConnectAsync(_hubs[0], ClusterKit.KeyA);
        await using var b = await HubCaller.ConnectAsync(_hubs[1], ClusterKit.KeyB);

        // Tenant a queues three on one instance, then tenant b one on another: b's comes second, not fourth.
        var waiting = new List<Task<string>>();
        foreach (var id in new[] { "a1", "a2", "a3" })
        {
            waiting.Add(ClusterKit.DrainAsync(await a.StartAsync(ClusterKit.Request(id, "turn " + id))));
            await a.QueuedAsync(id);
        }

        waiting.Add(ClusterKit.DrainAsync(await b.StartAsync(ClusterKit.Request("b1", "turn b1"))));

        Assert.Equal(2, await b.QueuedAsync("b1"));
        Assert.Equal(3, await a.QueuedAsync("a3"));
        await hold.CancelAsync();
        await Task.WhenAll(waiting).WaitAsync(StreamHubServer.Timeout);
        await holdOn.CancelAsync();
        await Task.WhenAll(held).WaitAsync(StreamHubServer.Timeout);
        var order = _emulator.State.GetRequests().Select(r => r.Messages[^1].Content).Where(p => p.StartsWith("turn ", StringComparison.Ordinal));
        Assert.Equal(["turn a1", "turn b1", "turn a2", "turn a3"], order);
    }

    [Fact]
    public async Task Stream_TenantMayRunOneStream_SecondOnAnotherInstanceIsRateLimitedUntilTheFirstEnds()
    {
        await using var onA = await _hubs[0].ConnectAsync(ClusterKit.KeyOne);
        await using var onB = await _hubs[1].ConnectAsync(ClusterKit.KeyOne);
        using var hold = new CancellationTokenSource();
        var first = ClusterKit.DrainAsync(await ClusterKit.StreamAsync(onA, ClusterKit.Request("one-1", ClusterKit.Hold, maxTokens: null), hold.Token));
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 1, "the first stream runs");

        var second = await ClusterKit.StreamAsync(onB, ClusterKit.Request("one-2", "second"));
        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => Streams.ReadToEndAsync(second));

        Assert.StartsWith("rate_limited: tenant one may run 1 streams at once", error.Message, StringComparison.Ordinal);
        await hold.CancelAsync();
        await first;
        // The tenant's lease leaves Redis just after the upstream stream closes (its release is fire-and-forget).
        await Waits.EventuallyAsync(
            async () => _emulator.State.OpenStreams == 0 && await ClusterKit.CountInRedisAsync(_hubs[0], "tl") == 0, "the first stream and its tenant lease end");
        var third = await Streams.ReadToEndAsync(await ClusterKit.StreamAsync(onB, ClusterKit.Request("one-3", "third")));
        Assert.Equal(EmulatorText.Text("third", 3), string.Concat(third));
    }

    [Fact]
    public async Task AdminEndpoints_AnyInstance_ShowTheClustersFiguresWithEachRequestsInstanceAndChangeItsLimits()
    {
        var callers = await ConnectAsync(ClusterKit.KeyA);
        using var hold = new CancellationTokenSource();
        var streams = new List<Task<string>>();
        foreach (var (caller, id, priority, streaming) in new[] { (0, "on-0", Priority.Critical, 1), (1, "on-1", Priority.Critical, 2), (1, "queued-1", Priority.High, 2) })
        {
            streams.Add(ClusterKit.DrainAsync(await ClusterKit.StreamAsync(callers[caller], ClusterKit.Request(id, ClusterKit.Hold, priority, null), hold.Token)));
            await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == streaming && ClusterKit.Snapshot(_hubs[2]).Entries.Count == streams.Count - streaming, id + " is in place");
        }

        using var http = Admin.AdminTestKit.Http(_hubs[2], ClusterKit.AdminKey);

        var requests = await Admin.AdminTestKit.GetJsonAsync<StreamHub.Admin.AdminRequest[]>(http, "/admin/requests");
        var stats = await Admin.AdminTestKit.GetJsonAsync<StreamHub.Admin.AdminStats>(http, "/admin/stats");

        var instances = _hubs.Select(h => ClusterKit.Snapshot(h).Cluster!.Instance).ToArray();
        Assert.Equal(3, instances.Distinct().Count());
        Assert.Equal(
            [("on-0", "streaming", instances[0]), ("on-1", "streaming", instances[1]), ("queued-1", "queued", instances[1])],
            requests.Select(r => (r.Id, r.State, r.Instance!)).OrderBy(r => r.Id));
        Assert.Equal((2, 2, 1), (stats.Pool.Size, stats.Pool.Active, stats.Queues.High));
        Assert.Equal(("cluster", instances[2], 3), (stats.Cluster!.Mode, stats.Cluster.Instance, stats.Cluster.Instances));

        // A bigger pool set on one instance is every instance's: the waiter starts at once.
        using var put = await http.PutAsJsonAsync("/admin/limits", new { maxConcurrentStreams = 3 }).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(System.Net.HttpStatusCode.OK, put.StatusCode);
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 3, "the waiter starts in the grown pool");
        using var other = Admin.AdminTestKit.Http(_hubs[0], ClusterKit.AdminKey);
        await Waits.EventuallyAsync(
            async () => (await Admin.AdminTestKit.GetJsonAsync<StreamHub.Admin.AdminLimits>(other, "/admin/limits")).MaxConcurrentStreams == 3,
            "another instance reports the cluster's new pool");
        await hold.CancelAsync();
        await Task.WhenAll(streams).WaitAsync(StreamHubServer.Timeout);
    }

    [Fact]
    public async Task Stream_ThousandRandomCancelsAndDisconnectsOverThreeInstances_NoPermitHeldAndNoUpstreamStreamOpen()
    {
        // A pool of 20 over the three instances: requests are canceled while queued and while streaming.
        var limits = _hubs[0].Services.GetRequiredService<StreamHub.Admission.IStreamAdmission>();
        limits.UpdateLimits(new StreamHub.Admission.AdmissionOptions { MaxConcurrentStreams = 20, BackpressureThreshold = 1, MaxQueueWait = TimeSpan.FromMinutes(1), AgingInterval = TimeSpan.FromSeconds(50) });
        var random = new Random(15);
        var connections = new List<HubConnection>();
        for (var i = 0; i < 30; i++)
        {
            connections.Add(await _hubs[i % 3].ConnectAsync(i % 2 == 0 ? ClusterKit.KeyA : ClusterKit.KeyB));
        }

        using var everyone = new CancellationTokenSource();
        var runs = new List<Task>();
        for (var i = 0; i < 1000; i++)
        {
            var connection = connections[random.Next(connections.Count)];
            var priority = (Priority)random.Next(4);
            // One in ten runs to its end; the rest are canceled at a random moment, queued or streaming.
            var finish = random.Next(10) == 0;
            var cancelAfter = finish ? Timeout.Infinite : random.Next(0, 1500);
            var prompt = finish ? $"random {i}" : $"[emulator: tps=40 tokens=30] random {i}";
            var request = ClusterKit.Request($"r{i}", prompt, priority, maxTokens: null);
            runs.Add(Task.Run(async () =>
            {
                using var cancel = CancellationTokenSource.CreateLinkedTokenSource(everyone.Token);
                cancel.CancelAfter(cancelAfter);
                try
                {
                    await ClusterKit.DrainAsync(await ClusterKit.StreamAsync(connection, request, cancel.Token));
                }
                catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or TimeoutException)
                {
                    // Canceled before the invocation was sent, or its connection was closed under it.
                }
            }));
            await Task.Delay(random.Next(0, 3));
            if (i % 100 == 99)
            {
                // Now and then a whole connection goes, with whatever it had queued or streaming.
                var gone = connections[random.Next(connections.Count)];
                connections.Remove(gone);
                _ = gone.DisposeAsync().AsTask();
                connections.Add(await _hubs[i % 3].ConnectAsync(ClusterKit.KeyA));
            }
        }

        await Task.WhenAll(runs).WaitAsync(TimeSpan.FromSeconds(60));
        foreach (var connection in connections)
        {
            await connection.DisposeAsync();
        }

        await Waits.EventuallyAsync(
            () => _hubs.All(h => ClusterKit.Snapshot(h) is { Active: 0, Entries.Count: 0 }) && _emulator.State.OpenStreams == 0,
            "no permit held, nobody waiting and no upstream stream open");
        Assert.Equal(0, await ClusterKit.CountInRedisAsync(_hubs[0], "held"));
        Assert.Equal(0, await ClusterKit.CountInRedisAsync(_hubs[0], "w"));
        Assert.Equal(0, await ClusterKit.CountInRedisAsync(_hubs[0], "tl"));
        var stats = _emulator.State.GetStats();
        Assert.True(stats.CompletedStreams > 20 && stats.AbortedStreams > 100, $"upstream streams: {stats.CompletedStreams} completed, {stats.AbortedStreams} aborted");
    }

    private async Task<HubConnection[]> ConnectAsync(string key)
    {
        var connections = new HubConnection[_hubs.Length];
        for (var i = 0; i < _hubs.Length; i++)
        {
            connections[i] = await _hubs[i].ConnectAsync(key);
        }

        return connections;
    }
}
