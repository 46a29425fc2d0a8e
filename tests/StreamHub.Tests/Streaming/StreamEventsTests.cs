using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Streaming;
using StreamHub.Tests.Fanout;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Infrastructure.StreamEventKit;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// <c>StreamEvents</c> end to end (official .NET client, real Kestrel, real emulator): typed events numbered
/// with no gap, tool calls that assemble whole, reasoning always; and <c>Stream</c> unchanged beside it.
/// </summary>
public sealed class StreamEventsTests : IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StreamEvents_ToolCallsReasoningAndCachedUsage_EveryEventInOrderNumberedWithNoGap()
    {
        await using var connection = await _server.ConnectAsync();
        var usage = new TaskCompletionSource<UsageReport>();
        connection.On<string, UsageReport>(nameof(IStreamClient.Usage), (_, u) => usage.TrySetResult(u));

        var events = await ReadEventsAsync(connection, new StreamRequest { RequestId = "ev-1", Prompt = ToolPrompt });

        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
        Assert.Equal(
            [.. Enumerable.Repeat(StreamEventTypes.Reasoning, 3), .. Enumerable.Repeat(StreamEventTypes.ToolCall, events.Count - 5), StreamEventTypes.Finish, StreamEventTypes.Usage],
            events.Select(e => e.Type));
        Assert.Equal(EmulatorText.Reasoning("what is the weather", 3), events.Take(3).Select(e => e.Text));
        var calls = AssembleToolCalls(events);
        Assert.Equal([0, 1], calls.Select(c => c.Index));
        Assert.All(calls, c => Assert.Equal(("lookup", "{}"), (c.Name, c.Arguments)));
        Assert.All(calls, c => Assert.StartsWith("call_", c.Id, StringComparison.Ordinal));
        var finish = events[^2];
        Assert.Equal(("tool_calls", "emulator-1"), (finish.FinishReason, finish.Model));
        var reported = events[^1].Usage!;
        Assert.Equal((5, 3), (reported.CachedPromptTokens, reported.ReasoningTokens));
        Assert.Equal(await usage.Task.WaitAsync(StreamHubServer.Timeout), reported);
    }

    [Fact]
    public async Task StreamEvents_ParallelCalls_IdAndNameOnlyOnEachCallsFirstDeltaAndFragmentsInterleaved()
    {
        await using var connection = await _server.ConnectAsync();

        var events = await ReadEventsAsync(connection, new StreamRequest { Prompt = "[emulator: tools=3 parallel arg-fragments=2] several" });

        var deltas = events.Where(e => e.Type == StreamEventTypes.ToolCall).ToList();
        Assert.Equal([0, 1, 2, 0, 1, 2, 0, 1, 2], deltas.Select(d => d.Index!.Value));
        Assert.All(deltas.Take(3), d => Assert.Equal("lookup", d.Name));
        Assert.All(deltas.Skip(3), d => Assert.Equal((null, null), (d.Id, d.Name)));
        Assert.Equal(["{", "{", "{", "}", "}", "}"], deltas.Skip(3).Select(d => d.Arguments));
    }

    [Fact]
    public async Task StreamEvents_Refusal_IsARefusalEventWhileStreamShowsItAsText()
    {
        await using var connection = await _server.ConnectAsync();
        const string prompt = "[emulator: refusal] something forbidden";

        var events = await ReadEventsAsync(connection, new StreamRequest { Prompt = prompt });
        var text = await HubStreamingTests.ReadAllAsync(connection, new StreamRequest { Prompt = prompt });

        var refusal = string.Concat(events.Where(e => e.Type == StreamEventTypes.Refusal).Select(e => e.Text));
        Assert.Equal("I'm sorry, but I can't help with that.", refusal);
        Assert.DoesNotContain(events, e => e.Type == StreamEventTypes.Text);
        Assert.Equal(refusal, string.Concat(text));
    }

    [Fact]
    public async Task Stream_ReasoningDialect_TextOnlyWhileStreamEventsCarriesTheReasoning()
    {
        await using var connection = await _server.ConnectAsync();
        const string prompt = "[emulator: dialect=deepseek] think first";

        var text = await HubStreamingTests.ReadAllAsync(connection, new StreamRequest { Prompt = prompt, MaxTokens = 8 });
        var events = await ReadEventsAsync(connection, new StreamRequest { Prompt = prompt, MaxTokens = 8 });

        Assert.Equal(EmulatorText.Text("think first", 8), string.Concat(text));
        Assert.Equal("Let me think this through.", string.Concat(events.Where(e => e.Type == StreamEventTypes.Reasoning).Select(e => e.Text)));
        Assert.Equal(string.Concat(text), string.Concat(events.Where(e => e.Type == StreamEventTypes.Text).Select(e => e.Text)));
    }

    [Fact]
    public async Task Stream_ForwardReasoningOn_TextCarriesTheReasoningFirst()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?> { ["Upstream:ForwardReasoning"] = "true" });
        await using var connection = await server.ConnectAsync();

        var text = await HubStreamingTests.ReadAllAsync(connection, new StreamRequest { Prompt = "[emulator: dialect=ollama] think first", MaxTokens = 8 });

        Assert.Equal("Let me think this through." + EmulatorText.Text("think first", 8), string.Concat(text));
    }

    [Fact]
    public async Task StreamEvents_BadRequest_AnswersInvalidRequestLikeStream()
    {
        await using var connection = await _server.ConnectAsync();

        var error = await Assert.ThrowsAsync<HubException>(() => ReadEventsAsync(connection, 42));

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamEvents_ClientCancels_UpstreamRequestEnds()
    {
        await using var connection = await _server.ConnectAsync();
        using var cts = new CancellationTokenSource();
        var reader = await connection.StreamAsChannelAsync<StreamEvent>("StreamEvents", new StreamRequest { Prompt = "[emulator: tps=20 tokens=400] long" }, cts.Token);
        await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        await cts.CancelAsync();

        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task StreamEvents_StreamsAndStreamEventsTogetherOverTheConnectionCap_RateLimited()
    {
        await using var connection = await _server.ConnectAsync();
        var open = new List<object>();
        for (var i = 0; i < 4; i++)
        {
            open.Add(await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = "[emulator: tps=5 tokens=50] slow" }));
            open.Add(await connection.StreamAsChannelAsync<StreamEvent>("StreamEvents", new StreamRequest { Prompt = "[emulator: tps=5 tokens=50] slow" }));
        }

        var error = await Assert.ThrowsAsync<HubException>(() => ReadEventsAsync(connection, new StreamRequest { Prompt = "one too many" }));

        Assert.StartsWith("rate_limited: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamEvents_ResumableCallerDisconnects_WatchGetsTheRestOfTheToolCalls()
    {
        // A tenant: an anonymous caller's requests belong to its one connection and cannot be resumed.
        await using var server = await StreamHubServer.StartAsync(FanoutTestKit.TenantSettings());
        var caller = await server.ConnectAsync(FanoutTestKit.KeyA);
        var reader = await caller.StreamAsChannelAsync<StreamEvent>(
            "StreamEvents", new StreamRequest { RequestId = "ev-r", Prompt = "[emulator: tps=20 tools=4 arg-fragments=2] resume tools", Resumable = true });
        var seen = new List<StreamEvent>();
        for (var i = 0; i < 3; i++)
        {
            seen.Add(await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout));
        }

        await caller.DisposeAsync();
        await using var back = await server.ConnectAsync(FanoutTestKit.KeyA);
        var rest = await Streams.ReadToEndAsync(await back.StreamAsChannelAsync<StreamEvent>("Watch", "ev-r", 3L).WaitAsync(StreamHubServer.Timeout));

        var all = seen.Concat(rest).ToList();
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Seq));
        Assert.Equal(4, AssembleToolCalls(all).Count(c => c.Arguments == "{}"));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], all.TakeLast(2).Select(e => e.Type));
        await server.AssertUpstreamIdleAsync();
    }
}
