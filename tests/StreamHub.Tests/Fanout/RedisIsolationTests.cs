using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StackExchange.Redis;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Fanout;

/// <summary>
/// Request ids are each tenant's own across instances: two StreamHub instances (A and B) on one real redis-server,
/// tenant b (the attacker) on one instance using tenant a's ids on the other; a sees nothing change.
/// </summary>
public sealed class RedisIsolationTests(RedisIsolationTests.Pair shared) : IClassFixture<RedisIsolationTests.Pair>, IAsyncLifetime
{
    private const string KeyC = "tenant-c-key-0123456789";
    private StreamHubServer _a = null!;
    private StreamHubServer _b = null!;

    public async Task InitializeAsync()
    {
        await shared.Redis.ForTestAsync();
        (_a, _b) = (shared.Redis.A, shared.Redis.B);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_SameIdTwoTenantsOnTwoInstances_WatchOnEitherInstanceSeesOnlyItsOwn()
    {
        await using var victim = await _a.ConnectAsync(KeyA);
        await using var attacker = await _b.ConnectAsync(KeyB);
        var victimReader = await victim.StreamAsChannelAsync<string>("Stream", Request("dup", "[emulator: tps=40 tokens=20] alpha")).WaitAsync(Waits.Timeout);
        var first = await victimReader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var attackerText = string.Concat(await Streams.ReadAllAsync(attacker, Request("dup", "[emulator: tps=40 tokens=20] bravo")));
        var victimText = first + string.Concat(await Streams.ReadToEndAsync(victimReader));
        await using var victimOnB = await _b.ConnectAsync(KeyA);
        await using var attackerOnA = await _a.ConnectAsync(KeyB);

        Assert.Equal(EmulatorText.Text("alpha", 20), victimText);
        Assert.Equal(EmulatorText.Text("bravo", 20), attackerText);
        Assert.Equal(victimText, TextOf(await Streams.WatchAllAsync(victimOnB, "dup", 0)));
        Assert.Equal(attackerText, TextOf(await Streams.WatchAllAsync(attackerOnA, "dup", 0)));
    }

    [Fact]
    public async Task Watch_OtherTenantReusesTheIdOnTheOtherInstanceAfterTheEnd_NeverReadsTheEarlierAnswer()
    {
        await using var victim = await _a.ConnectAsync(KeyA);
        await using var attacker = await _b.ConnectAsync(KeyB);
        var secret = string.Concat(await Streams.ReadAllAsync(victim, Request("gone", "[emulator: tokens=8] the secret")));

        var before = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(attacker, "gone", 0));
        var own = string.Concat(await Streams.ReadAllAsync(attacker, Request("gone", "[emulator: tokens=8] my own")));
        var after = await Streams.WatchAllAsync(attacker, "gone", 0);
        await using var victimOnB = await _b.ConnectAsync(KeyA);

        Assert.StartsWith("invalid_request: no request gone is known here", before.Message, StringComparison.Ordinal);
        Assert.NotEqual(secret, own);
        Assert.Equal(own, TextOf(after));
        Assert.Equal(secret, TextOf(await Streams.WatchAllAsync(victimOnB, "gone", 0)));
    }

    [Fact]
    public async Task Abort_OwnResumedRequestRunningOnTheOtherInstance_EndsIt()
    {
        var caller = await _a.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>(
            "Stream", new StreamRequest { RequestId = "far", Prompt = "[emulator: tps=10 tokens=400] long", Resumable = true }).WaitAsync(Waits.Timeout);
        await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        await caller.DisposeAsync();
        await using var back = await _b.ConnectAsync(KeyA);
        var watch = Streams.WatchAllAsync(back, "far", 1);
        await Waits.EventuallyAsync(() => _a.Emulator.State.OpenStreams == 1, "the resumable request to go on without its caller");

        var aborted = await back.InvokeAsync<bool>("Abort", "far").WaitAsync(Waits.Timeout);

        Assert.True(aborted);
        var error = await Assert.ThrowsAsync<HubException>(() => watch);
        Assert.Equal("aborted: request far ended with aborted", error.Message);

        // The grace is 30 s: only the relayed abort can have ended it this soon.
        await _a.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task Abort_OtherTenantsIdRunningOnTheOtherInstance_ReachesNothing()
    {
        await using var victim = await _a.ConnectAsync(KeyA);
        await using var attacker = await _b.ConnectAsync(KeyB);
        var reader = await victim.StreamAsChannelAsync<string>("Stream", Request("theirs", "[emulator: tps=40 tokens=30] keep mine")).WaitAsync(Waits.Timeout);
        var first = await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var aborted = await attacker.InvokeAsync<bool>("Abort", "theirs").WaitAsync(Waits.Timeout);

        Assert.False(aborted);
        Assert.Equal(EmulatorText.Text("keep mine", 30), first + string.Concat(await Streams.ReadToEndAsync(reader)));
    }

    [Fact]
    public async Task JoinGroup_SameNameOtherTenantOnTheOtherInstance_GetsNothing()
    {
        await using var outsider = await HubCaller.ConnectAsync(_b, KeyB);
        await outsider.JoinGroupAsync("ops");
        await using var insider = await HubCaller.ConnectAsync(_b, KeyA);
        await insider.JoinGroupAsync("ops");
        await using var caller = await _a.ConnectAsync(KeyA);

        await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "ops-1", Prompt = "private", MaxTokens = 4, Group = "ops" });

        Assert.Null((await insider.GroupCompletedAsync("ops-1")).Code);
        Assert.False(outsider.SawGroupMessages("ops-1"));
    }

    [Fact]
    public async Task Stream_RefusedByTenantLimits_WritesNothingToRedis()
    {
        await using var caller = await _a.ConnectAsync(KeyC);
        using var hold = new CancellationTokenSource();
        var holder = await caller.StreamAsChannelAsync<string>("Stream", Request("holding", "[emulator: tps=10 tokens=400] hold"), hold.Token);
        await holder.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var limited = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(caller, Request("limited", "x")));
        await using var onB = await _b.ConnectAsync(KeyC);
        var watch = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(onB, "limited", 0));

        Assert.StartsWith("rate_limited: ", limited.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid_request: no request limited is known here", watch.Message, StringComparison.Ordinal);
        Assert.Equal([$"{shared.Redis.ChannelPrefix}:watch:c:holding"], await KeysAsync($"{shared.Redis.ChannelPrefix}:watch:c:*"));
        await hold.CancelAsync();
    }

    private async Task<List<string>> KeysAsync(string pattern)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(shared.Redis.Redis.ConnectionString).WaitAsync(Waits.Timeout);
        var keys = new List<string>();
        await foreach (var key in redis.GetServer(redis.GetEndPoints()[0]).KeysAsync(pattern: pattern))
        {
            keys.Add(key.ToString());
        }

        return keys;
    }

    private static StreamRequest Request(string id, string prompt) => new() { RequestId = id, Prompt = prompt };

    private static string TextOf(IEnumerable<StreamEvent> events) => string.Concat(events.Where(e => e.Type == StreamEventTypes.Text).Select(e => e.Text));

    /// <summary>The pair of these tests: tenants a and b, and c with one stream at a time.</summary>
    public sealed class Pair : IAsyncLifetime
    {
        private RedisPair? _redis;

        public RedisPair Redis => _redis ?? throw new InvalidOperationException("the Redis pair did not start");

        public async Task InitializeAsync() => _redis = await RedisPair.StartAsync(new Dictionary<string, string?>
        {
            ["Tenants:2:Name"] = "c",
            ["Tenants:2:ApiKey"] = KeyC,
            ["Tenants:2:MaxConcurrentStreams"] = "1",
        });

        public async Task DisposeAsync()
        {
            if (_redis is not null)
            {
                await _redis.DisposeAsync();
            }
        }
    }
}
