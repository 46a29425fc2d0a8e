using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Fanout;
using StreamHub.Streaming;
using StreamHub.Tests.Fanout;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Infrastructure.Streams;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// The hub contract over the MessagePack protocol: the official .NET client with
/// <c>AddMessagePackProtocol()</c>, real Kestrel, real emulator. A pool of one with a queue of one, so a
/// third request meets <c>queue_full</c>.
/// </summary>
public sealed class MessagePackTests(MessagePackTests.SharedServer shared) : IClassFixture<MessagePackTests.SharedServer>, IAsyncLifetime
{
    private const string Slow = "[emulator: tps=5 tokens=1000] hold a slot";
    private static readonly int[] NotARequest = [1, 2, 3];

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void MessagePackWire_StreamEventAndUsage_UseTheSameCamelCaseKeysAsJson()
    {
        var options = MessagePack.Resolvers.ContractlessStandardResolver.Options;

        var item = MessagePack.MessagePackSerializer.ConvertToJson(MessagePack.MessagePackSerializer.Serialize(new StreamEvent { Seq = 3, Text = "hi" }, options));
        var usage = MessagePack.MessagePackSerializer.ConvertToJson(MessagePack.MessagePackSerializer.Serialize(new UsageReport(1, 2, 3, "m", "r", null), options));

        Assert.StartsWith("""{"seq":3,"type":"text","text":"hi",""", item, StringComparison.Ordinal);
        Assert.Contains("\"promptTokens\":1", usage, StringComparison.Ordinal);
        Assert.Contains("\"region\":\"r\"", usage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_Prompt_TokensEqualTheEmulatorTextWithStartedAndUsage()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);

        var tokens = await ReadToEndAsync(await caller.StartAsync(new StreamRequest { RequestId = "mp-1", Prompt = "Tell me about rivers", MaxTokens = 20 }));

        Assert.Equal(EmulatorText.Text("Tell me about rivers", 20), string.Concat(tokens));
        Assert.Equal("primary", await caller.StartedAsync("mp-1"));
        var usage = await caller.UsageAsync("mp-1");
        Assert.Equal(20, usage.CompletionTokens);
        Assert.Equal(usage.PromptTokens + usage.CompletionTokens, usage.TotalTokens);
        Assert.Equal("emulator-1", usage.Model);
        Assert.Equal("primary", usage.Region);
        await _server.AssertUpstreamIdleAsync();
    }

    [Fact]
    public async Task Stream_Messages_SendsTheHistoryUpstream()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);
        var request = new StreamRequest
        {
            Messages = [new("system", "Be brief"), new("user", "first"), new("assistant", "ok"), new("user", "second")],
            MaxTokens = 5,
        };

        var tokens = await ReadToEndAsync(await caller.StartAsync(request));

        Assert.Equal(EmulatorText.Text("second", 5), string.Concat(tokens));
        Assert.Equal(["system", "user", "assistant", "user"], _server.Emulator.State.GetRequests()[^1].Messages.Select(m => m.Role));
    }

    [Fact]
    public async Task Stream_ToolTurn_TypedCallsAndAMapOfPartsAndTools_ReachTheEmulatorInOpenAiShape()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);
        var typed = new StreamRequest
        {
            Messages = [new("user", "Weather?"), ChatMessage.AssistantToolCalls([new ToolCall("call_1", new("get_weather", "{}"))]), ChatMessage.ToolResult("call_1", "Sunny")],
            MaxTokens = 5,
        };

        // Parts, tools and extra are JSON in the typed request: a MessagePack client sends them as maps.
        var map = new Dictionary<string, object?>
        {
            ["messages"] = new object[]
            {
                new Dictionary<string, object?>
                {
                    ["role"] = "user",
                    ["content"] = new object[]
                    {
                        new Dictionary<string, object?> { ["type"] = "text", ["text"] = "Weather here?" },
                        new Dictionary<string, object?> { ["type"] = "image_url", ["image_url"] = new Dictionary<string, object?> { ["url"] = "https://example.com/a.png" } },
                    },
                },
            },
            ["tools"] = new object[] { new Dictionary<string, object?> { ["type"] = "function", ["function"] = new Dictionary<string, object?> { ["name"] = "get_weather" } } },
            ["extra"] = new Dictionary<string, object?> { ["user"] = "u-1" },
        };

        var answer = string.Concat(await ReadToEndAsync(await caller.StartAsync(typed)));
        await ReadToEndAsync(await caller.StartAsync(map));

        Assert.Contains("\"Sunny\"", answer, StringComparison.Ordinal);
        var received = _server.Emulator.State.GetRequests();
        var call = System.Text.Json.Nodes.JsonNode.Parse(received[^2].Body)!["messages"]![1]!["tool_calls"]![0]!;
        Assert.Equal("""{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}""", call.ToJsonString());
        Assert.Equal("call_1", received[^2].Messages[2].ToolCallId);
        Assert.Equal(["text", "image_url"], received[^1].Messages[0].PartTypes);
        Assert.Equal(["get_weather"], received[^1].Tools);
        Assert.Contains("\"user\":\"u-1\"", received[^1].Body, StringComparison.Ordinal);
    }

    public static TheoryData<string, object?> BadRequests => new()
    {
        { "maxTokens as a string", new Dictionary<string, object?> { ["prompt"] = "a", ["maxTokens"] = "many" } },
        { "empty prompt", new Dictionary<string, object?> { ["prompt"] = "" } },
        { "unknown priority", new Dictionary<string, object?> { ["prompt"] = "a", ["priority"] = "urgent" } },
        { "temperature NaN", new Dictionary<string, object?> { ["prompt"] = "a", ["temperature"] = double.NaN } },
        { "numeric keys", new Dictionary<int, string> { [1] = "a" } },
        { "binary keys", new Dictionary<byte[], string> { [[1, 2]] = "a" } },
        { "a number", 42 },
        { "a string", "just a string" },
        { "an array", NotARequest },
        { "nil", null },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Stream_InvalidRequest_AnswersInvalidRequestAndTheConnectionGoesOn(string why, object? argument)
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);

        var error = await Assert.ThrowsAsync<HubException>(async () => await ReadToEndAsync(await caller.StartAsync(argument)));

        Assert.True(error.Message.StartsWith("invalid_request: ", StringComparison.Ordinal), $"{why}: {error.Message}");
        Assert.Equal(HubConnectionState.Connected, caller.Connection.State);
        var tokens = await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "still here", MaxTokens = 3 }));
        Assert.Equal(EmulatorText.Text("still here", 3), string.Concat(tokens));
    }

    [Fact]
    public async Task Stream_WrongArgumentCount_AnswersInvalidRequest()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);

        var reader = await caller.Connection.StreamAsChannelCoreAsync<string>("Stream", ["one", "two"]).WaitAsync(StreamHubServer.Timeout);
        var error = await Assert.ThrowsAsync<HubException>(() => ReadToEndAsync(reader));

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_QueueOfTheTierIsFull_AnswersQueueFullUnprefixedAfterQueued()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);
        using var hold = new CancellationTokenSource();
        _ = await caller.StartAsync(new StreamRequest { RequestId = "mp-hold", Prompt = Slow }, hold.Token);
        await caller.StartedAsync("mp-hold");
        _ = await caller.StartAsync(new StreamRequest { RequestId = "mp-wait", Prompt = "wait" }, hold.Token);
        Assert.Equal(1, await caller.QueuedAsync("mp-wait"));

        var error = await Assert.ThrowsAsync<HubException>(async () => await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "one too many" })));

        Assert.StartsWith("queue_full: ", error.Message, StringComparison.Ordinal);
        await hold.CancelAsync();
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Watch_FinishedRequest_ReplaysItsItemsInOrder()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);
        await ReadToEndAsync(await caller.StartAsync(new StreamRequest { RequestId = "mp-w1", Prompt = "watched", MaxTokens = 12 }));

        var reader = await caller.Connection.StreamAsChannelAsync<StreamEvent>("Watch", "mp-w1", 0L).WaitAsync(StreamHubServer.Timeout);
        var items = await ReadToEndAsync(reader);

        Assert.Equal(Enumerable.Range(1, 14).Select(i => (long)i), items.Select(i => i.Seq));
        Assert.Equal("stop", items[12].FinishReason);
        Assert.Equal(12, items[13].Usage!.CompletionTokens);
        Assert.Equal(EmulatorText.Text("watched", 12), string.Concat(items.Select(i => i.Text)));
    }

    [Fact]
    public async Task Watch_BadRequestId_AnswersInvalidRequest()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, messagePack: true);

        var reader = await caller.Connection.StreamAsChannelAsync<StreamEvent>("Watch", "has space", 0L).WaitAsync(StreamHubServer.Timeout);
        var error = await Assert.ThrowsAsync<HubException>(() => ReadToEndAsync(reader));

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stream_JsonAndMessagePackClientsSideBySide_BothStream()
    {
        await using var json = await _server.ConnectAsync();
        await using var messagePack = await HubCaller.ConnectAsync(_server, messagePack: true);

        var viaJson = await Streams.ReadAllAsync(json, new StreamRequest { Prompt = "same answer", MaxTokens = 6 });
        var viaMessagePack = await ReadToEndAsync(await messagePack.StartAsync(new StreamRequest { Prompt = "same answer", MaxTokens = 6 }));

        Assert.Equal(EmulatorText.Text("same answer", 6), string.Concat(viaJson));
        Assert.Equal(viaJson, viaMessagePack);
    }

    [Fact]
    public async Task StreamEvents_ToolCallsOverMessagePack_TheSameEventsJsonWatchersGet()
    {
        // One tenant on both connections: an anonymous connection owns only its own requests.
        await using var caller = await HubCaller.ConnectAsync(_server, FanoutTestKit.KeyA, messagePack: true);
        await using var json = await _server.ConnectAsync(FanoutTestKit.KeyA);

        var events = await ReadToEndAsync(await caller.Connection.StreamAsChannelAsync<StreamEvent>(
            "StreamEvents", new StreamRequest { RequestId = "mp-ev", Prompt = StreamEventKit.ToolPrompt }).WaitAsync(StreamHubServer.Timeout));
        var watched = await ReadToEndAsync(await json.StreamAsChannelAsync<StreamEvent>("Watch", "mp-ev", 0L).WaitAsync(StreamHubServer.Timeout));

        Assert.Equal(watched, events);
        Assert.Equal(2, events.Count(e => e.Type == StreamEventTypes.ToolCall && e.Id is not null));
        Assert.Equal(5, events[^1].Usage!.CachedPromptTokens);
    }

    /// <summary>
    /// A pool of one with a queue of one, shared: the queue test ends its hold and waits for the upstream,
    /// and each test starts once the previous test's requests have left the pool.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub(new Dictionary<string, string?>(FanoutTestKit.TenantSettings())
    {
        ["Admission:MaxConcurrentStreams"] = "1",
        ["Admission:BackpressureThreshold"] = "1",
        ["Admission:QueueLimits:Normal"] = "1",
        ["Admission:MaxQueueWait"] = "00:01:00",
    });
}
