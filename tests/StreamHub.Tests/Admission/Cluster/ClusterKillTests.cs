using System.Diagnostics;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>
/// An instance dies without a word (SIGKILL of a real child process) while a survivor (on its own Kestrel) shares
/// its redis-server and emulator. Admission:LeaseTimeout is 2 s.
/// </summary>
public sealed class ClusterKillTests : IAsyncLifetime
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);
    private RedisServer _redis = null!;
    private EmulatorServer _emulator = null!;
    private Dictionary<string, string?> _settings = [];
    private StreamHubServer _survivor = null!;
    private ClusterProcess _victim = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _emulator = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());
        _settings = ClusterKit.Settings(_redis, pool: 3, lease: "00:00:02");
        _victim = await ClusterProcess.StartAsync(_settings, _emulator.BaseAddress);
        _survivor = await StreamHubServer.StartAsync(_settings, _emulator);
    }

    public async Task DisposeAsync()
    {
        await _victim.DisposeAsync();
        await _survivor.DisposeAsync();
        await _emulator.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Kill_InstanceHoldingPermits_SurvivorsWaitersStartWithinTheLeaseTimeoutWhileItsOwnStreamFlows()
    {
        await using var onVictim = await _victim.ConnectAsync(ClusterKit.KeyA);
        await using var onSurvivor = await _survivor.ConnectAsync(ClusterKit.KeyA);
        _ = await ClusterKit.StreamAsync(onVictim, ClusterKit.Request("v1", ClusterKit.Hold, Priority.Critical, null));
        _ = await ClusterKit.StreamAsync(onVictim, ClusterKit.Request("v2", ClusterKit.Hold, Priority.Critical, null));
        var own = Streams.ReadToEndAsync(await ClusterKit.StreamAsync(onSurvivor, ClusterKit.Request("own", "[emulator: tps=10 tokens=50] own", Priority.Critical, null)));
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 3, "the pool of 3 is full: 2 on the victim, 1 on the survivor");
        var waiting = new[]
        {
            Streams.ReadToEndAsync(await ClusterKit.StreamAsync(onSurvivor, ClusterKit.Request("w1", "waits one", Priority.Low))),
            Streams.ReadToEndAsync(await ClusterKit.StreamAsync(onSurvivor, ClusterKit.Request("w2", "waits two", Priority.Low))),
        };
        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_survivor).Entries.Count == 2, "two wait on the survivor");

        var killed = Stopwatch.StartNew();
        await _victim.KillAsync();

        await Task.WhenAll(waiting).WaitAsync(StreamHubServer.Timeout);
        var started = killed.Elapsed;
        Assert.True(started < Lease + TimeSpan.FromSeconds(1), $"the waiters finished {started.TotalSeconds:0.0} s after the kill");
        Assert.Equal(EmulatorText.Text("waits one", 3), string.Concat(await waiting[0]));
        Assert.Equal(EmulatorText.Text("own", 50), string.Concat(await own.WaitAsync(StreamHubServer.Timeout)));
        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_survivor) is { Active: 0, Cluster.Instances: 1 }, "the victim's permits and lease are gone");
    }

    [Fact]
    public async Task Kill_InstanceRunningAResumableRequest_SurvivorFinishesItAndWatchReadsOneAnswer()
    {
        const string Prompt = "[emulator: tps=10 tokens=40] outlive";
        var victimCaller = await _victim.ConnectAsync(ClusterKit.KeyA);
        var reader = await ClusterKit.StreamAsync(victimCaller, ClusterKit.Request("lives-on", Prompt, maxTokens: null, resumable: true));
        for (var i = 0; i < 5; i++)
        {
            await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        }

        await KeptAsync("lives-on", 5);
        await _victim.KillAsync();
        await using var watcher = await _survivor.ConnectAsync(ClusterKit.KeyA);
        var events = await Streams.WatchAllAsync(watcher, "lives-on", 0);

        // One answer: the victim's tokens, then the survivor's continuation and its finish and usage, every event
        // numbered 1..N with no gap and no duplicate.
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], events.TakeLast(2).Select(e => e.Type));
        var items = events.SkipLast(2).ToList();
        Assert.All(items, e => Assert.Equal(StreamEventTypes.Text, e.Type));
        var continuation = EmulatorText.Tokens(ContinuingStream.ContinuePrompt, StreamHubServer.FastEmulator().DefaultMaxTokens);
        var written = items.Count - continuation.Count;
        Assert.True(written >= 5, $"the victim wrote {written} tokens");
        Assert.Equal(EmulatorText.Tokens("outlive", 40).Take(written), items.Take(written).Select(i => i.Text));
        Assert.Equal(continuation, items.Skip(written).Select(i => i.Text));
        var asked = _emulator.State.GetRequests()[^1].Messages;
        Assert.Equal(["user", "assistant", "user"], asked.Select(m => m.Role));
        Assert.Equal(string.Concat(items.Take(written).Select(i => i.Text)), asked[1].Content);
        Assert.Equal(ContinuingStream.ContinuePrompt, asked[2].Content);
        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_survivor).Active == 0 && _emulator.State.OpenStreams == 0, "the survivor's continuation ended");
        await victimCaller.DisposeAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
    }

    [Fact]
    public async Task Kill_InstanceRunningAResumableRequestWithAToolCall_SurvivorEndsItUpstreamInterruptedWithoutContinuing()
    {
        // Two words, then four tool calls at two steps a second: the victim dies inside the calls.
        var request = ClusterKit.Request("calls", "[emulator: tps=2 tokens=2 tools=4] weather", maxTokens: null, resumable: true);
        var victimCaller = await _victim.ConnectAsync(ClusterKit.KeyA);
        var reader = await victimCaller.StreamAsChannelAsync<StreamEvent>("StreamEvents", request).WaitAsync(StreamHubServer.Timeout);
        var read = 1;
        while ((await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout)).Type != StreamEventTypes.ToolCall)
        {
            read++;
        }

        await KeptAsync("calls", read);
        await _victim.KillAsync();
        await using var watcher = await _survivor.ConnectAsync(ClusterKit.KeyA);
        var watch = await watcher.StreamAsChannelAsync<StreamEvent>("Watch", "calls", 0L).WaitAsync(StreamHubServer.Timeout);
        var events = new List<StreamEvent>();
        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            while (await watch.WaitToReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout))
            {
                while (watch.TryRead(out var item))
                {
                    events.Add(item);
                }
            }
        });

        // The victim's text and its first call, kept as they were; then the end, with no continuation asked for.
        Assert.Contains(ErrorCodes.UpstreamInterrupted, error.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal([StreamEventTypes.Text, StreamEventTypes.Text, StreamEventTypes.ToolCall], events.Take(3).Select(e => e.Type));
        Assert.DoesNotContain(events, e => e.Type is StreamEventTypes.Finish or StreamEventTypes.Usage);
        Assert.Single(_emulator.State.GetRequests());
        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_survivor).Active == 0, "the survivor holds no permit");
        await victimCaller.DisposeAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
    }

    /// <summary>
    /// Request ids are each tenant's own across instances too: tenants a and b both run a resumable "same" on the
    /// victim; after the kill the survivor finishes each for its own tenant, and each tenant's Watch reads only its own.
    /// </summary>
    [Fact]
    public async Task Kill_TwoTenantsResumableRequestsOfOneId_SurvivorFinishesEachForItsOwnTenant()
    {
        var callerA = await _victim.ConnectAsync(ClusterKit.KeyA);
        var callerB = await _victim.ConnectAsync(ClusterKit.KeyB);
        var readerA = await ClusterKit.StreamAsync(callerA, ClusterKit.Request("same", "[emulator: tps=10 tokens=40] alpha", maxTokens: null, resumable: true));
        var readerB = await ClusterKit.StreamAsync(callerB, ClusterKit.Request("same", "[emulator: tps=10 tokens=40] bravo", maxTokens: null, resumable: true));
        await readerA.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        await readerB.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        await KeptAsync("same", 1);
        await Waits.EventuallyAsync(async () => await KeptCountAsync("b", "same") >= 1, "b's first event in Redis");

        await _victim.KillAsync();
        await using var watcherA = await _survivor.ConnectAsync(ClusterKit.KeyA);
        await using var watcherB = await _survivor.ConnectAsync(ClusterKit.KeyB);
        var seenA = await Streams.WatchAllAsync(watcherA, "same", 0);
        var seenB = await Streams.WatchAllAsync(watcherB, "same", 0);

        // Two records, two continuations: each asks the upstream to go on from its own tenant's partial answer.
        var asked = _emulator.State.GetRequests().Skip(2).ToList();
        Assert.Equal(2, asked.Count);
        var askedA = Assert.Single(asked, static r => r.Messages[0].Content!.EndsWith("alpha", StringComparison.Ordinal));
        var askedB = Assert.Single(asked, static r => r.Messages[0].Content!.EndsWith("bravo", StringComparison.Ordinal));
        Assert.StartsWith(EmulatorText.Tokens("alpha", 40)[0], askedA.Messages[1].Content, StringComparison.Ordinal);
        Assert.StartsWith(EmulatorText.Tokens("bravo", 40)[0], askedB.Messages[1].Content, StringComparison.Ordinal);
        Assert.StartsWith(askedA.Messages[1].Content!, TextOf(seenA), StringComparison.Ordinal);
        Assert.StartsWith(askedB.Messages[1].Content!, TextOf(seenB), StringComparison.Ordinal);
        Assert.Equal(StreamEventTypes.Usage, seenA[^1].Type);
        Assert.Equal(StreamEventTypes.Usage, seenB[^1].Type);
        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_survivor).Active == 0 && _emulator.State.OpenStreams == 0, "both continuations ended");
        await callerA.DisposeAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        await callerB.DisposeAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
    }

    /// <summary>
    /// Redis keys always expire: while requests stream on both instances (a tenant slot, a resumable record, a
    /// waiter in the cluster's queue, watch streams) and right after the victim dies mid-stream, a plain client's
    /// SCAN finds no key without a TTL, the cluster admission's own keys included.
    /// </summary>
    [Fact]
    public async Task Kill_InstanceMidStream_EveryKeyInRedisHasAnExpiry()
    {
        await using var limitedCaller = await _victim.ConnectAsync(ClusterKit.KeyOne);
        await using var resumableCaller = await _victim.ConnectAsync(ClusterKit.KeyA);
        await using var onSurvivor = await _survivor.ConnectAsync(ClusterKit.KeyB);
        var limited = await ClusterKit.StreamAsync(limitedCaller, ClusterKit.Request("limited", ClusterKit.Hold, maxTokens: null));
        var resumable = await ClusterKit.StreamAsync(resumableCaller, ClusterKit.Request("kept", ClusterKit.Hold, maxTokens: null, resumable: true));
        var own = await ClusterKit.StreamAsync(onSurvivor, ClusterKit.Request("own", ClusterKit.Hold, Priority.Critical, maxTokens: null));
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 3, "the pool of 3 is full");
        using var stopWaiting = new CancellationTokenSource();
        _ = await ClusterKit.StreamAsync(onSurvivor, ClusterKit.Request("waits", "waits", Priority.Low), stopWaiting.Token);
        await Waits.EventuallyAsync(() => ClusterKit.Snapshot(_survivor).Entries.Count == 1, "one waits on the survivor");
        foreach (var reader in new[] { limited, resumable, own })
        {
            await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        }

        await KeptAsync("kept", 1);
        var live = await KeysAsync();
        await _victim.KillAsync();
        var afterKill = await KeysAsync();
        await stopWaiting.CancelAsync();

        Assert.Contains(live, static k => k.Key.Contains(":admission}:", StringComparison.Ordinal));
        Assert.Contains(live, static k => k.Key.EndsWith(":watch:a:kept", StringComparison.Ordinal));
        Assert.Contains(live, static k => k.Key.EndsWith(":watch:one:limited", StringComparison.Ordinal));
        Assert.Empty(live.Where(static k => k.Ttl == -1).Select(static k => k.Key));
        Assert.Empty(afterKill.Where(static k => k.Ttl == -1).Select(static k => k.Key));
    }

    /// <summary>Every key in the redis-server with its TTL in seconds (-1: none), read with SCAN and TTL by a client of its own.</summary>
    private async Task<List<(string Key, long Ttl)>> KeysAsync()
    {
        await using var client = await ConnectionMultiplexer.ConnectAsync(_redis.ConnectionString).WaitAsync(StreamHubServer.Timeout);
        var db = client.GetDatabase();
        var keys = new List<(string, long)>();
        await foreach (var key in client.GetServer(client.GetEndPoints()[0]).KeysAsync(pattern: "*", pageSize: 100))
        {
            var ttl = (long)await db.ExecuteAsync("TTL", key).WaitAsync(StreamHubServer.Timeout);
            if (ttl != -2)
            {
                keys.Add(((string)key!, ttl));
            }
        }

        return keys;
    }

    /// <summary>
    /// Waits until the victim's watch stream in Redis (tenant "a"'s) holds <paramref name="count"/> events after its
    /// start entry: its writes are fire-and-forget, so a kill right after its caller read an event may still drop that
    /// event's write.
    /// </summary>
    private Task KeptAsync(string requestId, int count)
    {
        var redis = _survivor.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase();
        var key = $"{_settings["Redis:ChannelPrefix"]}:watch:a:{requestId}";
        return Waits.EventuallyAsync(async () => await redis.StreamLengthAsync(key) >= count + 1, $"{count} event(s) of {requestId} in Redis");
    }

    private static string TextOf(List<StreamEvent> events)
        => string.Concat(events.Where(static e => e.Type == StreamEventTypes.Text).Select(static e => e.Text));

    /// <summary>Events (and the start entry) in <paramref name="tenant"/>'s watch stream of <paramref name="requestId"/>.</summary>
    private Task<long> KeptCountAsync(string tenant, string requestId)
        => _survivor.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase()
            .StreamLengthAsync($"{_settings["Redis:ChannelPrefix"]}:watch:{tenant}:{requestId}");
}
