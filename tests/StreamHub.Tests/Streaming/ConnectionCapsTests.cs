using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// What one connection and one tenant may hold: watches and joined groups per connection are capped
/// (<c>rate_limited:</c>), and a resumable request that outlives its caller still counts against its tenant's
/// concurrent streams until it ends.
/// </summary>
public sealed class ConnectionCapsTests(ConnectionCapsTests.SharedServer shared) : IClassFixture<ConnectionCapsTests.SharedServer>, IAsyncLifetime
{
    private const string KeyC = RefusedRequestTests.KeyC;
    private const string Slow = "[emulator: tps=10 tokens=400] slow";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Watch_OverTheConnectionsCap_RateLimitedWhileOtherConnectionsWatchOn()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        using var hold = new CancellationTokenSource();
        var running = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "watched", Prompt = Slow }, hold.Token);
        await running.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        await using var watcher = await _server.ConnectAsync(KeyA);
        using var first = new CancellationTokenSource();
        var one = await watcher.StreamAsChannelAsync<StreamEvent>("Watch", "watched", 0L, first.Token);
        var two = await watcher.StreamAsChannelAsync<StreamEvent>("Watch", "watched", 0L);
        await one.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        await two.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var third = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(watcher, "watched", 0));
        await using var other = await _server.ConnectAsync(KeyA);
        var elsewhere = await other.StreamAsChannelAsync<StreamEvent>("Watch", "watched", 0L);
        await first.CancelAsync();
        await Waits.EventuallyAsync(() => OpensAsync(watcher, "watched"), "a watch to be allowed again once one ended");

        Assert.StartsWith("rate_limited: this connection already watches 2 requests", third.Message, StringComparison.Ordinal);
        Assert.Equal(1, (await elsewhere.ReadAsync().AsTask().WaitAsync(Waits.Timeout)).Seq);
        await hold.CancelAsync();
    }

    [Fact]
    public async Task JoinGroup_OverTheConnectionsCap_RateLimitedUntilOneIsLeft()
    {
        await using var member = await _server.ConnectAsync(KeyA);
        await member.InvokeAsync("JoinGroup", "g1").WaitAsync(Waits.Timeout);
        await member.InvokeAsync("JoinGroup", "g2").WaitAsync(Waits.Timeout);
        await member.InvokeAsync("JoinGroup", "g1").WaitAsync(Waits.Timeout);

        var third = await Assert.ThrowsAsync<HubException>(() => member.InvokeAsync("JoinGroup", "g3").WaitAsync(Waits.Timeout));
        await member.InvokeAsync("LeaveGroup", "g1").WaitAsync(Waits.Timeout);
        await member.InvokeAsync("JoinGroup", "g3").WaitAsync(Waits.Timeout);
        await using var caller = await _server.ConnectAsync(KeyA);
        var group = new StreamHub.Tests.Fanout.FanoutTests.GroupRecorder(member);
        await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "to-g3", Prompt = "joined", MaxTokens = 3, Group = "g3" });

        Assert.StartsWith("rate_limited: this connection has joined 2 groups", third.Message, StringComparison.Ordinal);
        Assert.Null((await group.CompletedAsync("to-g3")).Code);
    }

    [Fact]
    public async Task Stream_ResumableRequestOutlivesItsCaller_StillCountsAgainstTheTenantsStreams()
    {
        var leaving = await _server.ConnectAsync(KeyC);
        var reader = await leaving.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "outlives", Prompt = Slow, Resumable = true });
        await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        await leaving.DisposeAsync();
        await using var back = await _server.ConnectAsync(KeyC);
        await Waits.EventuallyAsync(() => _server.Emulator.State.OpenStreams == 1, "the resumable request to go on without its caller");

        var limited = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(back, new StreamRequest { Prompt = "another", MaxTokens = 2 }));
        Assert.True(await back.InvokeAsync<bool>("Abort", "outlives").WaitAsync(Waits.Timeout));
        await _server.WaitUntilQuietAsync();
        var afterwards = await Streams.ReadAllAsync(back, new StreamRequest { Prompt = "another", MaxTokens = 2 });

        Assert.StartsWith("rate_limited: tenant c may run 1 streams at once", limited.Message, StringComparison.Ordinal);
        Assert.Equal(2, afterwards.Count);
    }

    /// <summary>Whether a Watch opens on <paramref name="connection"/> (its first event arrives) rather than being refused.</summary>
    private static async Task<bool> OpensAsync(HubConnection connection, string requestId)
    {
        var reader = await connection.StreamAsChannelAsync<StreamEvent>("Watch", requestId, 0L).WaitAsync(Waits.Timeout);
        try
        {
            await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
            return true;
        }
        catch (HubException ex) when (ex.Message.StartsWith("rate_limited:", StringComparison.Ordinal))
        {
            return false;
        }
    }

    /// <summary>Two watches and two groups a connection; tenant c may run one stream at a time.</summary>
    public sealed class SharedServer() : SharedStreamHub(Settings())
    {
        private static Dictionary<string, string?> Settings()
        {
            var settings = TenantSettings();
            settings["Tenants:2:Name"] = "c";
            settings["Tenants:2:ApiKey"] = KeyC;
            settings["Tenants:2:MaxConcurrentStreams"] = "1";
            settings["Streaming:MaxWatchesPerConnection"] = "2";
            settings["Fanout:MaxGroupsPerConnection"] = "2";
            return settings;
        }
    }
}
