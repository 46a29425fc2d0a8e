using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// A request that admission or its tenant's limits refuse costs no watch buffer and leaves nothing anyone can
/// watch, and it never takes the id of a request of the same tenant that ran before. A pool of one, no room in the
/// low queue, and tenant c limited to one stream at a time.
/// </summary>
public sealed class RefusedRequestTests(RefusedRequestTests.SharedServer shared) : IClassFixture<RefusedRequestTests.SharedServer>, IAsyncLifetime
{
    public const string KeyC = "tenant-c-key-0123456789";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_RefusedByAdmission_LeavesNothingWatchable()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        using var hold = new CancellationTokenSource();
        var holder = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = "[emulator: tps=10 tokens=400] hold" }, hold.Token);
        await holder.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var refused = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "no-room", Prompt = "x", Priority = "low" }));
        var watch = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(caller, "no-room", 0));

        Assert.StartsWith("queue_full: ", refused.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid_request: no request no-room is known here", watch.Message, StringComparison.Ordinal);
        await hold.CancelAsync();
    }

    [Fact]
    public async Task Stream_RefusedByTenantLimits_LeavesNothingWatchableAndKeepsTheEarlierRequestOfThatId()
    {
        await using var caller = await _server.ConnectAsync(KeyC);
        var earlier = await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "kept", Prompt = "first", MaxTokens = 5 });
        using var hold = new CancellationTokenSource();
        var holder = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = "[emulator: tps=10 tokens=400] hold" }, hold.Token);
        await holder.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var limited = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "limited", Prompt = "x" }));
        var reused = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "kept", Prompt = "x" }));
        var watch = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(caller, "limited", 0));
        var stillThere = await Streams.WatchAllAsync(caller, "kept", 0);

        Assert.StartsWith("rate_limited: ", limited.Message, StringComparison.Ordinal);
        Assert.StartsWith("rate_limited: ", reused.Message, StringComparison.Ordinal);
        Assert.StartsWith("invalid_request: no request limited is known here", watch.Message, StringComparison.Ordinal);
        Assert.Equal(string.Concat(earlier), string.Concat(stillThere.Where(e => e.Type == StreamEventTypes.Text).Select(e => e.Text)));
        await hold.CancelAsync();
    }

    /// <summary>Tenants a, b (unlimited) and c (one stream at a time); a pool of one and no low queue.</summary>
    public sealed class SharedServer() : SharedStreamHub(Settings())
    {
        public static Dictionary<string, string?> Settings()
        {
            var settings = TenantSettings();
            settings["Tenants:2:Name"] = "c";
            settings["Tenants:2:ApiKey"] = KeyC;
            settings["Tenants:2:MaxConcurrentStreams"] = "1";
            settings["Admission:MaxConcurrentStreams"] = "1";
            settings["Admission:BackpressureThreshold"] = "1";
            settings["Admission:QueueLimits:Low"] = "0";
            return settings;
        }
    }
}
