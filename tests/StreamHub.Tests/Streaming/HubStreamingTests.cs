using System.Text;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>The hub end to end: official .NET client over WebSockets, real Kestrel, real emulator.</summary>
public sealed class HubStreamingTests(HubStreamingTests.SharedServer shared) : IClassFixture<HubStreamingTests.SharedServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Stream_Prompt_TokensArriveInOrderAndEqualTheEmulatorText()
    {
        await using var caller = await HubCaller.ConnectAsync(_server);

        var tokens = await caller.ReadAllAsync(new StreamRequest { Prompt = "Tell me about rivers", MaxTokens = 20, RequestId = "order-1" });

        Assert.Equal(20, tokens.Count);
        Assert.Equal(EmulatorText.Text("Tell me about rivers", 20), string.Concat(tokens));
        Assert.Equal("primary", await caller.StartedAsync("order-1"));
        var report = await caller.UsageAsync("order-1");
        Assert.Equal(20, report.CompletionTokens);
        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task Stream_Messages_SendsTheHistoryUpstream()
    {
        await using var connection = await _server.ConnectAsync();
        var request = new StreamRequest
        {
            Messages = [new("system", "Be brief"), new("user", "first"), new("assistant", "ok"), new("user", "second")],
            MaxTokens = 5,
        };

        var tokens = await Streams.ReadAllAsync(connection, request);

        Assert.Equal(EmulatorText.Text("second", 5), string.Concat(tokens));
        var sent = _server.Emulator.State.GetRequests()[^1];
        Assert.Equal(["system", "user", "assistant", "user"], sent.Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Stream_ClientCancels_UpstreamRequestEnds()
    {
        await using var connection = await _server.ConnectAsync();
        using var cts = new CancellationTokenSource();
        var prompt = "[emulator: tps=20 tokens=400] a long answer";
        var reader = await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = prompt }, cts.Token);

        for (var i = 0; i < 3; i++)
        {
            await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        }

        Assert.Equal(1, _server.Emulator.State.OpenStreams);
        await cts.CancelAsync();

        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Stream_ConnectionDrops_UpstreamRequestEnds()
    {
        var connection = await _server.ConnectAsync();
        var reader = await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = "[emulator: tps=20 tokens=400] long" });
        await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(1, _server.Emulator.State.OpenStreams);

        await connection.DisposeAsync();

        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData("""{"prompt":""}""")]
    [InlineData("""{"prompt":"a","messages":[{"role":"user","content":"b"}]}""")]
    [InlineData("""{}""")]
    [InlineData("""{"messages":[{"role":"robot","content":"b"}]}""")]
    [InlineData("""{"messages":[{"role":"user","content":"  "}]}""")]
    [InlineData("""{"prompt":"a","priority":"urgent"}""")]
    [InlineData("""{"prompt":"a","maxTokens":-1}""")]
    [InlineData("""{"prompt":"a","maxTokens":"many"}""")]
    [InlineData("""{"prompt":"a","temperature":9}""")]
    [InlineData("""{"prompt":"a","requestId":"has space"}""")]
    [InlineData("42")]
    [InlineData("\"just a string\"")]
    [InlineData("null")]
    public async Task Stream_InvalidRequest_AnswersInvalidRequestAndTheConnectionGoesOn(string json)
    {
        await using var connection = await _server.ConnectAsync();
        var argument = System.Text.Json.JsonSerializer.Deserialize<System.Text.Json.JsonElement>(json);

        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(connection, argument));

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, connection.State);
        var tokens = await Streams.ReadAllAsync(connection, new StreamRequest { Prompt = "still here", MaxTokens = 3 });
        Assert.Equal(EmulatorText.Text("still here", 3), string.Concat(tokens));
    }

    [Fact]
    public async Task Stream_InputOverTheLimit_AnswersInvalidRequestWithTheLimit()
    {
        await using var connection = await _server.ConnectAsync();
        var huge = new StringBuilder().Append('x', 400_001).ToString();

        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(connection, new StreamRequest { Prompt = huge }));

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("400000", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task Stream_NonAsciiInputJustUnderTheCharacterLimit_IsAnsweredNotDisconnected()
    {
        await using var connection = await _server.ConnectAsync();
        var wide = new string('日', 399_000);

        var tokens = await Streams.ReadAllAsync(connection, new StreamRequest { Prompt = wide, MaxTokens = 2 });
        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(connection, new StreamRequest { Prompt = wide + new string('日', 1_001) }));

        Assert.Equal(2, tokens.Count);
        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    [Fact]
    public async Task Stream_LongChatHistory_FitsTheMessageSize()
    {
        await using var connection = await _server.ConnectAsync();
        var history = Enumerable.Range(0, 200)
            .Select(i => new StreamHub.Contracts.ChatMessage(i % 2 == 0 ? "user" : "assistant", new string('h', 1000) + i))
            .Append(new StreamHub.Contracts.ChatMessage("user", "sum it up"))
            .ToList();

        var tokens = await Streams.ReadAllAsync(connection, new StreamRequest { Messages = history, MaxTokens = 4 });

        Assert.Equal(EmulatorText.Text("sum it up", 4), string.Concat(tokens));
    }

    [Fact]
    public async Task Stream_MoreThanTheConnectionCap_AnswersRateLimitedAndOthersGoOn()
    {
        await using var connection = await _server.ConnectAsync();
        var open = new List<System.Threading.Channels.ChannelReader<string>>();
        for (var i = 0; i < 8; i++)
        {
            open.Add(await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = "[emulator: tps=5 tokens=50] slow" }));
        }

        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadAllAsync(connection, new StreamRequest { Prompt = "one too many" }));

        Assert.StartsWith("rate_limited: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, connection.State);
    }

    /// <summary>Forwards to <see cref="Streams.ReadAllAsync"/>: kept so tests written against this name still compile; use that.</summary>
    internal static Task<List<string>> ReadAllAsync(HubConnection connection, object request) => Streams.ReadAllAsync(connection, request);

    /// <summary>
    /// One server: each test ends or drops its own streams (the cap test's eight end with its connection),
    /// and each starts once the previous test's streams have left StreamHub and the emulator.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub;
}
