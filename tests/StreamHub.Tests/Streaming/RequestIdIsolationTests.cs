using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// Request ids are each tenant's own, on one instance in memory: tenant b (the attacker) uses tenant a's ids at
/// the same time and after a's request ended, watches them and aborts them; a (the victim) sees nothing change.
/// </summary>
public sealed class RequestIdIsolationTests(RequestIdIsolationTests.SharedServer shared) : IClassFixture<RequestIdIsolationTests.SharedServer>, IAsyncLifetime
{
    private const string AdminKey = "admin-key-0123456789abcdef";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_OtherTenantRunsTheSameIdAtOnce_EachGetsItsOwnAnswerAndWatch()
    {
        await using var victim = await _server.ConnectAsync(KeyA);
        await using var attacker = await _server.ConnectAsync(KeyB);
        var victimReader = await victim.StreamAsChannelAsync<string>("Stream", Request("same", "[emulator: tps=40 tokens=20] alpha")).WaitAsync(Waits.Timeout);
        var first = await victimReader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        // Before, the attacker's call was refused ("already in flight") and told it that a's id exists.
        var attackerText = string.Concat(await Streams.ReadAllAsync(attacker, Request("same", "[emulator: tps=40 tokens=20] bravo")));
        var victimText = first + string.Concat(await Streams.ReadToEndAsync(victimReader));

        Assert.Equal(EmulatorText.Text("alpha", 20), victimText);
        Assert.Equal(EmulatorText.Text("bravo", 20), attackerText);
        Assert.Equal(victimText, TextOf(await Streams.WatchAllAsync(victim, "same", 0)));
        Assert.Equal(attackerText, TextOf(await Streams.WatchAllAsync(attacker, "same", 0)));
    }

    [Fact]
    public async Task Watch_OtherTenantReusesTheIdAfterTheEnd_NeverReadsTheEarlierAnswer()
    {
        await using var victim = await _server.ConnectAsync(KeyA);
        await using var attacker = await _server.ConnectAsync(KeyB);
        var secret = string.Concat(await Streams.ReadAllAsync(victim, Request("reused", "[emulator: tokens=8] the secret")));

        var before = await Assert.ThrowsAsync<HubException>(() => Streams.WatchAllAsync(attacker, "reused", 0));
        var own = string.Concat(await Streams.ReadAllAsync(attacker, Request("reused", "[emulator: tokens=8] my own")));
        var after = await Streams.WatchAllAsync(attacker, "reused", 0);

        Assert.StartsWith("invalid_request: no request reused is known here", before.Message, StringComparison.Ordinal);
        Assert.Equal(own, TextOf(after));
        Assert.NotEqual(secret, own);
        Assert.Equal(secret, TextOf(await Streams.WatchAllAsync(victim, "reused", 0)));
    }

    [Fact]
    public async Task Abort_OtherTenantsId_ReachesNothingAndAnswersAsForAnUnknownId()
    {
        await using var victim = await _server.ConnectAsync(KeyA);
        await using var attacker = await _server.ConnectAsync(KeyB);
        var reader = await victim.StreamAsChannelAsync<string>("Stream", Request("victim", "[emulator: tps=40 tokens=30] keep mine")).WaitAsync(Waits.Timeout);
        var first = await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var aborted = await attacker.InvokeAsync<bool>("Abort", "victim").WaitAsync(Waits.Timeout);
        var unknown = await attacker.InvokeAsync<bool>("Abort", "nobody-runs-this").WaitAsync(Waits.Timeout);

        Assert.False(aborted);
        Assert.False(unknown);
        Assert.Equal(EmulatorText.Text("keep mine", 30), first + string.Concat(await Streams.ReadToEndAsync(reader)));
    }

    [Fact]
    public async Task Abort_OwnRequestFromAnotherConnection_EndsItAndItsUpstream()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        await using var sameTenant = await _server.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", Request("mine", "[emulator: tps=10 tokens=400] long")).WaitAsync(Waits.Timeout);
        await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);

        var aborted = await sameTenant.InvokeAsync<bool>("Abort", "mine").WaitAsync(Waits.Timeout);

        Assert.True(aborted);
        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadToEndAsync(reader));
        Assert.Equal("aborted: its tenant ended this request (Abort)", error.Message);
        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task Abort_AfterAResume_EndsTheRequestLongBeforeItsGrace()
    {
        var caller = await _server.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>(
            "Stream", new StreamRequest { RequestId = "phone", Prompt = "[emulator: tps=10 tokens=400] long", Resumable = true }).WaitAsync(Waits.Timeout);
        await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        await caller.DisposeAsync();
        await using var back = await _server.ConnectAsync(KeyA);
        var watch = Streams.WatchAllAsync(back, "phone", 1);
        await Waits.EventuallyAsync(() => _server.Emulator.State.OpenStreams == 1, "the resumable request to go on without its caller");

        var aborted = await back.InvokeAsync<bool>("Abort", "phone").WaitAsync(Waits.Timeout);

        Assert.True(aborted);
        var error = await Assert.ThrowsAsync<HubException>(() => watch);
        Assert.Equal("aborted: request phone ended with aborted", error.Message);

        // The grace is 30 s: only the abort can have ended it this soon.
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Abort_BadId_AnswersInvalidRequest()
    {
        await using var caller = await _server.ConnectAsync(KeyA);

        var error = await Assert.ThrowsAsync<HubException>(() => caller.InvokeAsync<bool>("Abort", "no spaces").WaitAsync(Waits.Timeout));

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteRequest_TwoTenantsRunTheId_ConflictUntilTheOperatorNamesOne()
    {
        await using var a = await _server.ConnectAsync(KeyA);
        await using var b = await _server.ConnectAsync(KeyB);
        var readerA = await a.StreamAsChannelAsync<string>("Stream", Request("both", "[emulator: tps=20 tokens=40] a's")).WaitAsync(Waits.Timeout);
        var readerB = await b.StreamAsChannelAsync<string>("Stream", Request("both", "[emulator: tps=10 tokens=400] b's")).WaitAsync(Waits.Timeout);
        var firstA = await readerA.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        await readerB.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        using var http = _server.CreateHttpClient(AdminKey);

        using var ambiguous = await http.DeleteAsync("admin/requests/both").WaitAsync(Waits.Timeout);
        using var named = await http.DeleteAsync("admin/requests/both?tenant=b").WaitAsync(Waits.Timeout);

        Assert.Equal(HttpStatusCode.Conflict, ambiguous.StatusCode);
        Assert.Contains("tenants a, b each have a request both in flight", await ambiguous.Content.ReadAsStringAsync().WaitAsync(Waits.Timeout), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NoContent, named.StatusCode);
        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadToEndAsync(readerB));
        Assert.Equal("aborted: an operator ended this request", error.Message);
        Assert.Equal(EmulatorText.Text("a's", 40), firstA + string.Concat(await Streams.ReadToEndAsync(readerA)));
    }

    private static StreamRequest Request(string id, string prompt) => new() { RequestId = id, Prompt = prompt };

    private static string TextOf(IEnumerable<StreamEvent> events) => string.Concat(events.Where(e => e.Type == StreamEventTypes.Text).Select(e => e.Text));

    /// <summary>Tenants a and b and an operator; the tests use their own ids and end their own requests.</summary>
    public sealed class SharedServer() : SharedStreamHub(Settings())
    {
        private static Dictionary<string, string?> Settings()
        {
            var settings = TenantSettings();
            settings["Admin:ApiKey"] = AdminKey;
            return settings;
        }
    }
}
