using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Infrastructure.Streams;

namespace StreamHub.Tests.Admission;

/// <summary>Admission end to end over SignalR: a pool of 2, a slow emulator, tenants of every tier.</summary>
public sealed class HubAdmissionTests(HubAdmissionTests.SharedServer shared) : IClassFixture<HubAdmissionTests.SharedServer>, IAsyncLifetime
{
    private const string GoldKey = "gold-key-0123456789abcdef";
    private const string SilverKey = "silver-key-0123456789abcdef";
    private const string BronzeKey = "bronze-key-0123456789abcdef";
    private const string Slow = "[emulator: tps=5 tokens=1000] hold a slot";

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_CriticalArrivesAfterQueuedLow_CriticalStartsNext()
    {
        await using var gold = await HubCaller.ConnectAsync(_server, GoldKey);
        await using var bronze = await HubCaller.ConnectAsync(_server, BronzeKey);
        var holds = await FillPoolAsync(gold);

        var low = await bronze.StartAsync(new StreamRequest { RequestId = "low-1", Prompt = "low", Priority = "low", MaxTokens = 3 });
        Assert.Equal(1, await bronze.QueuedAsync("low-1"));
        using var criticalHold = new CancellationTokenSource();
        _ = await gold.StartAsync(new StreamRequest { RequestId = "crit-1", Prompt = Slow, Priority = "critical" }, criticalHold.Token);
        Assert.Equal(1, await gold.QueuedAsync("crit-1"));

        await holds[0].CancelAsync();

        Assert.Equal("primary", await gold.StartedAsync("crit-1"));
        AssertStillQueued("low-1");
        await criticalHold.CancelAsync();
        await ReadToEndAsync(low);
        await holds[1].CancelAsync();
    }

    [Fact]
    public async Task Stream_QueueOfTheTierIsFull_AnswersQueueFullAtOnce()
    {
        await using var gold = await HubCaller.ConnectAsync(_server, GoldKey);
        await using var bronze = await HubCaller.ConnectAsync(_server, BronzeKey);
        var holds = await FillPoolAsync(gold);
        _ = await bronze.StartAsync(new StreamRequest { RequestId = "low-a", Prompt = "a", Priority = "low" });
        await bronze.QueuedAsync("low-a");

        var second = await bronze.StartAsync(new StreamRequest { RequestId = "low-b", Prompt = "b", Priority = "low" });
        var error = await Assert.ThrowsAsync<HubException>(() => ReadToEndAsync(second));

        Assert.StartsWith("queue_full: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("retry in", error.Message, StringComparison.Ordinal);
        await Task.WhenAll(holds.Select(h => h.CancelAsync()));
    }

    [Fact]
    public async Task Stream_CancelledWhileQueued_NeverReachesTheUpstream()
    {
        await using var gold = await HubCaller.ConnectAsync(_server, GoldKey);
        await using var bronze = await HubCaller.ConnectAsync(_server, BronzeKey);
        var holds = await FillPoolAsync(gold);
        using var cancel = new CancellationTokenSource();
        _ = await bronze.StartAsync(new StreamRequest { RequestId = "gone-1", Prompt = "never sent upstream" }, cancel.Token);
        await bronze.QueuedAsync("gone-1");

        await cancel.CancelAsync();
        await Task.WhenAll(holds.Select(h => h.CancelAsync()));
        var after = await bronze.StartAsync(new StreamRequest { Prompt = "after", MaxTokens = 2 });
        await ReadToEndAsync(after);

        Assert.DoesNotContain(_server.Emulator.State.GetRequests(), r => r.Messages.Any(m => m.Content.Contains("never sent upstream", StringComparison.Ordinal)));
        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task Stream_NormalTenantAsksCritical_DoesNotOvertakeEarlierHigh()
    {
        await using var gold = await HubCaller.ConnectAsync(_server, GoldKey);
        await using var silver = await HubCaller.ConnectAsync(_server, SilverKey);
        await using var bronze = await HubCaller.ConnectAsync(_server, BronzeKey);
        var holds = await FillPoolAsync(gold);

        using var highHold = new CancellationTokenSource();
        _ = await silver.StartAsync(new StreamRequest { RequestId = "high-1", Prompt = Slow }, highHold.Token);
        await silver.QueuedAsync("high-1");
        var claimed = await bronze.StartAsync(new StreamRequest { RequestId = "claims-critical", Prompt = "me first", Priority = "critical", MaxTokens = 2 });
        await bronze.QueuedAsync("claims-critical");

        await holds[0].CancelAsync();

        Assert.Equal("primary", await silver.StartedAsync("high-1"));
        AssertStillQueued("claims-critical");
        await highHold.CancelAsync();
        await ReadToEndAsync(claimed);
        await holds[1].CancelAsync();
    }

    [Fact]
    public async Task Stream_AnonymousOff_NoKeyIsRefusedAndATenantKeyStreams()
    {
        await using var closed = await StreamHubServer.StartAsync(new Dictionary<string, string?>
        {
            ["Identity:AllowAnonymous"] = "false",
            ["Tenants:0:Name"] = "gold",
            ["Tenants:0:ApiKey"] = GoldKey,
        });

        var anonymous = await Assert.ThrowsAnyAsync<Exception>(() => closed.ConnectAsync());
        Assert.Contains("401", anonymous.Message, StringComparison.Ordinal);
        var wrong = await Assert.ThrowsAnyAsync<Exception>(() => closed.ConnectAsync("not-a-real-key-000000"));
        Assert.Contains("401", wrong.Message, StringComparison.Ordinal);

        await using var tenant = await closed.ConnectAsync(GoldKey);
        var tokens = await ReadAllAsync(tenant, new StreamRequest { Prompt = "hi", MaxTokens = 2 });
        Assert.Equal(2, tokens.Count);
    }

    /// <summary>Takes both slots with slow streams; cancelling a returned source frees one slot.</summary>
    private async Task<CancellationTokenSource[]> FillPoolAsync(HubCaller client)
    {
        var holds = new[] { new CancellationTokenSource(), new CancellationTokenSource() };
        foreach (var hold in holds)
        {
            _ = await client.StartAsync(new StreamRequest { Prompt = Slow, Priority = "critical" }, hold.Token);
        }

        await Waits.EventuallyAsync(() => _server.Emulator.State.OpenStreams >= 2, "the blockers to reach the upstream");

        return holds;
    }

    /// <summary>Asserts that a request is still waiting in the admission queue.</summary>
    private void AssertStillQueued(string requestId)
    {
        var snapshot = _server.Services.GetRequiredService<StreamHub.Admission.PriorityAdmission>().Snapshot();
        Assert.Contains(snapshot.Entries, e => e.RequestId == requestId);
    }

    /// <summary>
    /// A pool of two, a queue of one for Low, tenants of every tier; shared: the tests end their holds, and
    /// each starts once the previous test's requests have left the pool and the queue.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub(new Dictionary<string, string?>
    {
        ["Admission:MaxConcurrentStreams"] = "2",
        ["Admission:BackpressureThreshold"] = "1",
        ["Admission:QueueLimits:Low"] = "1",
        ["Admission:MaxQueueWait"] = "00:01:00",
        ["Tenants:0:Name"] = "gold",
        ["Tenants:0:ApiKey"] = GoldKey,
        ["Tenants:0:Tier"] = "Critical",
        ["Tenants:1:Name"] = "silver",
        ["Tenants:1:ApiKey"] = SilverKey,
        ["Tenants:1:Tier"] = "High",
        ["Tenants:2:Name"] = "bronze",
        ["Tenants:2:ApiKey"] = BronzeKey,
        ["Tenants:2:Tier"] = "Normal",
    });
}
