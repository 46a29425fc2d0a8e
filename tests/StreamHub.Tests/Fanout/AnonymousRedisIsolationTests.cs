using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.Streaming;

namespace StreamHub.Tests.Fanout;

/// <summary>
/// Anonymous isolation across instances: two StreamHubs on one real redis-server, the victim on A, the attacker
/// (another anonymous caller) on B, where group messages and watch owners travel through Redis.
/// </summary>
public sealed class AnonymousRedisIsolationTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private StreamHubServer _a = null!;
    private StreamHubServer _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = _redis.ConnectionString,
            ["Redis:ChannelPrefix"] = "t" + Guid.NewGuid().ToString("N")[..8],
        };
        _a = await StreamHubServer.StartAsync(settings);
        _b = await StreamHubServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task WatchAndJoinGroup_OnB_OfAnotherAnonymousCallersRequestOnA_GetNothingAndTheVictimGetsEverything()
    {
        await using var victim = await _a.ConnectAsync();
        await using var attacker = await _b.ConnectAsync();
        var victimGroup = new FanoutTests.GroupRecorder(victim);
        var attackerGroup = new FanoutTests.GroupRecorder(attacker);
        await victim.InvokeAsync("JoinGroup", "team").WaitAsync(StreamHubServer.Timeout);
        await attacker.InvokeAsync("JoinGroup", "team").WaitAsync(StreamHubServer.Timeout);
        var reader = await victim.StreamAsChannelAsync<string>(
            "Stream", new StreamRequest { RequestId = "v-redis", Prompt = "[emulator: tps=40 tokens=20] across", Group = "team", Resumable = true })
            .WaitAsync(StreamHubServer.Timeout);
        var first = await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        var watch = await Assert.ThrowsAsync<HubException>(() => FanoutTests.WatchAllAsync(attacker, "v-redis", 0));
        var rest = await Streams.ReadToEndAsync(reader);
        var seen = await victimGroup.CompletedAsync("v-redis");
        await HubStreamingTests.ReadAllAsync(attacker, new StreamRequest { RequestId = "a-redis", Prompt = "mine", MaxTokens = 2, Group = "team" });
        await attackerGroup.CompletedAsync("a-redis");

        Assert.StartsWith("invalid_request: ", watch.Message, StringComparison.Ordinal); // as if no such request ran
        Assert.False(attackerGroup.Seen("v-redis"));
        Assert.Equal(EmulatorText.Text("across", 20), first + string.Concat(rest));
        Assert.Equal(EmulatorText.Text("across", 20), seen.Text);
        Assert.Equal(EmulatorText.Text("across", 20), string.Concat((await FanoutTests.WatchAllAsync(victim, "v-redis", 0)).Select(static i => i.Text)));
    }
}
