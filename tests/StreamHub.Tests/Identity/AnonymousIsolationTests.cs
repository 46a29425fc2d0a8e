using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.OpenAi;
using StreamHub.Tests.Streaming;
using static StreamHub.Tests.Fanout.FanoutTests;

namespace StreamHub.Tests.Identity;

/// <summary>
/// Anonymous callers share nothing: each anonymous hub connection (and each anonymous <c>/v1</c> request) owns its
/// request ids, groups and watches alone. The attacker is another anonymous caller on the same address; the
/// victim's stream, group and watch are checked to be exactly what they would be without it.
/// </summary>
public sealed class AnonymousIsolationTests : IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task JoinGroup_AnotherAnonymousCallersGroup_ReceivesNothingAndTheVictimGetsEveryToken()
    {
        await using var victim = await _server.ConnectAsync();
        await using var attacker = await _server.ConnectAsync();
        var victimGroup = new GroupRecorder(victim);
        var attackerGroup = new GroupRecorder(attacker);
        await victim.InvokeAsync("JoinGroup", "team").WaitAsync(StreamHubServer.Timeout);
        await attacker.InvokeAsync("JoinGroup", "team").WaitAsync(StreamHubServer.Timeout);

        var tokens = await HubStreamingTests.ReadAllAsync(victim, new StreamRequest { RequestId = "v-group", Prompt = "team news", MaxTokens = 8, Group = "team" });
        var seen = await victimGroup.CompletedAsync("v-group");

        // The attacker's own group request ends after anything of the victim's could have reached it.
        await HubStreamingTests.ReadAllAsync(attacker, new StreamRequest { RequestId = "a-group", Prompt = "mine", MaxTokens = 2, Group = "team" });
        await attackerGroup.CompletedAsync("a-group");
        Assert.False(attackerGroup.Seen("v-group"));
        Assert.False(victimGroup.Seen("a-group"));
        Assert.Equal(EmulatorText.Text("team news", 8), string.Concat(tokens));
        Assert.Equal(Enumerable.Range(1, 8).Select(static i => (long)i), seen.Seqs);
        Assert.Equal(EmulatorText.Text("team news", 8), seen.Text);
        Assert.Null(seen.Code);
    }

    [Fact]
    public async Task Watch_AnotherAnonymousCallersLiveRequest_IsRefusedAndTheVictimStreamsOn()
    {
        await using var victim = await _server.ConnectAsync();
        await using var attacker = await _server.ConnectAsync();
        var reader = await victim.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "v-live", Prompt = "[emulator: tps=40 tokens=20] private" })
            .WaitAsync(StreamHubServer.Timeout);
        var first = await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        var error = await Assert.ThrowsAsync<HubException>(() => WatchAllAsync(attacker, "v-live", 0));

        Assert.Matches("^(forbidden|invalid_request): ", error.Message);
        var rest = await Streams.ReadToEndAsync(reader);
        Assert.Equal(EmulatorText.Text("private", 20), first + string.Concat(rest));
        Assert.Equal(EmulatorText.Text("private", 20), string.Concat((await WatchAllAsync(victim, "v-live", 0)).Select(static i => i.Text)));
    }

    [Fact]
    public async Task Watch_ResumingAnotherAnonymousCallersRequestAfterItLeft_IsRefused()
    {
        var victim = await _server.ConnectAsync();
        var reader = await victim.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "v-resume", Prompt = "[emulator: tps=50 tokens=40] phone", Resumable = true })
            .WaitAsync(StreamHubServer.Timeout);
        await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        await victim.DisposeAsync();
        await using var attacker = await _server.ConnectAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => WatchAllAsync(attacker, "v-resume", 0));

        Assert.Matches("^(forbidden|invalid_request): ", error.Message);
    }

    [Fact]
    public async Task Stream_AnotherAnonymousCallersRequestId_LeavesTheVictimsStreamWhole()
    {
        await using var victim = await _server.ConnectAsync();
        await using var attacker = await _server.ConnectAsync();
        var reader = await victim.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "v-id", Prompt = "[emulator: tps=40 tokens=20] untouched" })
            .WaitAsync(StreamHubServer.Timeout);
        var first = await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        // Whatever the attacker's stream gets (its own request, or a refusal), it never ends the victim's.
        try
        {
            await HubStreamingTests.ReadAllAsync(attacker, new StreamRequest { RequestId = "v-id", Prompt = "hijack", MaxTokens = 2 });
        }
        catch (HubException ex)
        {
            Assert.Matches("^[a-z_]+: ", ex.Message);
        }

        Assert.Equal(EmulatorText.Text("untouched", 20), first + string.Concat(await Streams.ReadToEndAsync(reader)));
    }

    [Fact]
    public async Task ChatCompletions_AnonymousRequest_SharesItsIdAndGroupWithNoAnonymousHubCaller()
    {
        await using var attacker = await _server.ConnectAsync();
        var attackerGroup = new GroupRecorder(attacker);
        await attacker.InvokeAsync("JoinGroup", "team").WaitAsync(StreamHubServer.Timeout);
        using var http = OpenAiTestKit.Http(_server, key: null);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = OpenAiTestKit.Json("""{"model":"emulator-1","messages":[{"role":"user","content":"over http"}],"max_tokens":6,"resumable":true}"""),
        };
        request.Headers.Add("X-Request-Id", "http-anon");
        request.Headers.Add("X-StreamHub-Group", "team");

        using var response = await http.SendAsync(request).WaitAsync(StreamHubServer.Timeout);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout));
        var error = await Assert.ThrowsAsync<HubException>(() => WatchAllAsync(attacker, "http-anon", 0));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(EmulatorText.Text("over http", 6), body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
        Assert.Matches("^(forbidden|invalid_request): ", error.Message);
        await HubStreamingTests.ReadAllAsync(attacker, new StreamRequest { RequestId = "a-http", Prompt = "mine", MaxTokens = 2, Group = "team" });
        await attackerGroup.CompletedAsync("a-http");
        Assert.False(attackerGroup.Seen("http-anon"));
    }
}
