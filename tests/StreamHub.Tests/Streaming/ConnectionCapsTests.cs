using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Streaming;

/// <summary>What one connection may hold: joined groups per connection are capped (<c>rate_limited:</c>).</summary>
public sealed class ConnectionCapsTests(ConnectionCapsTests.SharedServer shared) : IClassFixture<ConnectionCapsTests.SharedServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

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

    /// <summary>Two groups a connection.</summary>
    public sealed class SharedServer() : SharedStreamHub(Settings())
    {
        private static Dictionary<string, string?> Settings()
        {
            var settings = TenantSettings();
            settings["Fanout:MaxGroupsPerConnection"] = "2";
            return settings;
        }
    }
}
