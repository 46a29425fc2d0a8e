using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Fanout;

/// <summary>Two StreamHub instances on real Kestrel sharing one real redis-server.</summary>
public sealed class RedisFanoutTests(RedisPair shared) : IClassFixture<RedisPair>, IAsyncLifetime
{
    private StreamHubServer _a = null!;
    private StreamHubServer _b = null!;

    /// <summary>
    /// One pair for the tests that leave Redis alone: they use their own request ids and groups, and each
    /// starts once the previous test's requests have ended on both instances.
    /// </summary>
    public async Task InitializeAsync()
    {
        await shared.ForTestAsync();
        (_a, _b) = (shared.A, shared.B);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_OnA_GroupMemberOnB_GetsEveryTokenInOrder()
    {
        await using var member = await HubCaller.ConnectAsync(_b, KeyA);
        await member.JoinGroupAsync("war-room");
        await using var caller = await _a.ConnectAsync(KeyA);

        var tokens = await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "x1", Prompt = "across instances", MaxTokens = 25, Group = "war-room" });

        var (seqs, text, code) = await member.GroupCompletedAsync("x1");
        Assert.Null(code);
        Assert.Equal(Enumerable.Range(1, 25).Select(i => (long)i), seqs);
        Assert.Equal(string.Concat(tokens), text);
    }

    [Fact]
    public async Task Watch_OnB_OfRequestRunningOnA_ReplaysThenTails()
    {
        await using var caller = await _a.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "x2", Prompt = "[emulator: tps=40 tokens=30] tail me" });
        for (var i = 0; i < 5; i++)
        {
            await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        }

        await using var watcher = await _b.ConnectAsync(KeyA);
        var items = await Streams.WatchAllAsync(watcher, "x2", 0);

        Assert.Equal(Enumerable.Range(1, 32).Select(i => (long)i), items.Select(i => i.Seq));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], items.Skip(30).Select(i => i.Type));
        Assert.Equal(EmulatorText.Text("tail me", 30), string.Concat(items.Select(i => i.Text)));
    }

    [Fact]
    public async Task Watch_OnB_FastRequestOnA_GetsEveryEventInOrderFromBatchedEntries()
    {
        await using var caller = await _a.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "x7", Prompt = "[emulator: tps=100 tokens=100] batched" });
        var streamed = new List<string> { await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout) };

        await using var watcher = await _b.ConnectAsync(KeyA);
        var items = await Streams.WatchAllAsync(watcher, "x7", 0);
        await foreach (var token in reader.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
            streamed.Add(token);
        }

        Assert.Equal(Enumerable.Range(1, 102).Select(i => (long)i), items.Select(i => i.Seq));
        Assert.Equal(string.Concat(streamed), string.Concat(items.Select(i => i.Text)));

        // 102 events in about a second: a handful per entry (one entry per flush, at most one per 100 ms while they arrive).
        await using var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(shared.Redis.ConnectionString).WaitAsync(StreamHubServer.Timeout);
        var key = Assert.Single(redis.GetServer(redis.GetEndPoints()[0]).Keys(pattern: shared.ChannelPrefix + ":watch:*:x7"));
        Assert.InRange(await redis.GetDatabase().StreamLengthAsync(key), 2, 51);
    }

    [Fact]
    public async Task Watch_StopAfterKThenResumeOnOtherInstance_JoinedTextIsTheWholeAnswer()
    {
        await using var caller = await _a.ConnectAsync(KeyA);
        var streamed = Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "x3", Prompt = "[emulator: tps=60 tokens=40] resume", MaxTokens = 40 });
        await using var onA = await _a.ConnectAsync(KeyA);
        var reader = await onA.StreamAsChannelAsync<StreamEvent>("Watch", "x3", 0L);
        var firstK = new List<StreamEvent>();
        for (var i = 0; i < 10; i++)
        {
            firstK.Add(await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout));
        }

        await onA.StopAsync();
        await using var onB = await _b.ConnectAsync(KeyA);
        var rest = await Streams.WatchAllAsync(onB, "x3", firstK[^1].Seq);

        Assert.Equal(string.Concat(await streamed), string.Concat(firstK.Concat(rest).Select(i => i.Text)));
    }

    [Fact]
    public async Task Watch_ResumedOnBMidToolCalls_GetsTheRemainingFragmentsWithNoGapOrDuplicate()
    {
        await using var caller = await _a.ConnectAsync(KeyA);
        var streamed = StreamEventKit.ReadEventsAsync(
            caller, new StreamRequest { RequestId = "x6", Prompt = "[emulator: tps=10 tools=3 parallel arg-fragments=2 reasoning=2] tools across instances" });
        await using var onA = await _a.ConnectAsync(KeyA);
        var reader = await onA.StreamAsChannelAsync<StreamEvent>("Watch", "x6", 0L);
        var firstK = new List<StreamEvent>();
        for (var i = 0; i < 6; i++)
        {
            firstK.Add(await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout));
        }

        await onA.StopAsync();
        await using var onB = await _b.ConnectAsync(KeyA);
        var rest = await FanoutTests.WatchAllAsync(onB, "x6", firstK[^1].Seq);

        var events = await streamed.WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(events, firstK.Concat(rest));
        Assert.Equal(5, rest.Count(e => e.Type == StreamEventTypes.ToolCall));
        Assert.Equal([0, 1, 2], StreamEventKit.AssembleToolCalls(rest).Select(c => c.Index));
        Assert.All(StreamEventKit.AssembleToolCalls(events), c => Assert.Equal(("lookup", "{}"), (c.Name, c.Arguments)));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], rest.TakeLast(2).Select(e => e.Type));
    }

    [Fact]
    public async Task Stream_ResumableCallerLeavesA_GetsTheRestThroughWatchOnB()
    {
        var caller = await _a.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "x4", Prompt = "[emulator: tps=50 tokens=40] phone", Resumable = true });
        var seen = new List<string>();
        for (var i = 0; i < 6; i++)
        {
            seen.Add(await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout));
        }

        await caller.DisposeAsync();
        await using var back = await _b.ConnectAsync(KeyA);
        var rest = await Streams.WatchAllAsync(back, "x4", 6);

        Assert.Equal(EmulatorText.Text("phone", 40), string.Concat(seen) + string.Concat(rest.Select(i => i.Text)));
    }

    [Fact]
    public async Task Watch_OnB_OtherTenantsRequestOnA_AnswersAsForAnIdThatNeverRan()
    {
        await using var caller = await _a.ConnectAsync(KeyA);
        await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "x5", Prompt = "private", MaxTokens = 3 });
        await using var other = await _b.ConnectAsync(KeyB);

        var error = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => Streams.WatchAllAsync(other, "x5", 0));

        Assert.StartsWith("invalid_request: no request x5 is known here", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_RedisStopsMidRun_StreamsCompleteAndFanoutRecoversAfterRestart()
    {
        // Stops Redis: its own pair, so no other test sees the outage.
        await using var pair = await RedisPair.StartAsync();
        var (a, b, redis) = (pair.A, pair.B, pair.Redis);
        await using var onA = await a.ConnectAsync(KeyA);
        await using var onB = await b.ConnectAsync(KeyA);
        var slowA = Streams.ReadAllAsync(onA, new StreamRequest { Prompt = "[emulator: tps=20 tokens=30] survive", MaxTokens = 30, Group = "g" });
        var slowB = Streams.ReadAllAsync(onB, new StreamRequest { Prompt = "[emulator: tps=20 tokens=30] survive too", MaxTokens = 30 });

        var subscriptions = await redis.SubscriptionsAsync(pair.ChannelPrefix);
        await redis.StopAsync();

        Assert.Equal(EmulatorText.Text("survive", 30), string.Concat(await slowA));
        Assert.Equal(EmulatorText.Text("survive too", 30), string.Concat(await slowB));
        var watchError = await Assert.ThrowsAsync<Microsoft.AspNetCore.SignalR.HubException>(() => Streams.WatchAllAsync(onB, "anything", 0));
        Assert.StartsWith("upstream_unavailable: the watch store (Redis) is unreachable", watchError.Message, StringComparison.Ordinal);
        using var http = new HttpClient();
        var notReady = await http.GetAsync(new Uri(a.BaseAddress, "health/ready")).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, notReady.StatusCode);

        await redis.RestartAsync();
        await WaitForRedisAsync(a);
        await WaitForRedisAsync(b);
        await redis.WaitForSubscriptionsAsync(subscriptions, pair.ChannelPrefix);

        var ready = await http.GetAsync(new Uri(a.BaseAddress, "health/ready")).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(System.Net.HttpStatusCode.OK, ready.StatusCode);

        // No StreamHub restart: the instances reconnected by themselves and fan out again.
        await using var member = await HubCaller.ConnectAsync(b, KeyA);
        await member.JoinGroupAsync("after-outage");
        await using var caller = await a.ConnectAsync(KeyA);
        await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "after", Prompt = "back again", MaxTokens = 5, Group = "after-outage" });

        var (seqs, _, code) = await member.GroupCompletedAsync("after");
        Assert.Null(code);
        Assert.Equal(5, seqs.Count);
    }

    /// <summary>Waits until the instance's Redis connection is back (what /health/ready reports).</summary>
    private static Task WaitForRedisAsync(StreamHubServer server)
    {
        var redis = server.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>();
        return Waits.EventuallyAsync(() => redis.IsConnected, "StreamHub to reconnect to Redis");
    }
}
