using System.Text.Json;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Client;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Client;

/// <summary><see cref="StreamHubChatClient"/> against the real app on Kestrel and the real emulator.</summary>
public sealed class StreamHubChatClientTests : IAsyncLifetime
{
    private const string Key = "tenant-key-0123456789abcdef";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
    {
        ["Tenants:0:Name"] = "acme",
        ["Tenants:0:ApiKey"] = Key,
        ["Pricing:Models:emulator-1:InputPerMillion"] = "1000",
        ["Pricing:Models:emulator-1:OutputPerMillion"] = "2000",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData(StreamHubProtocol.Json)]
    [InlineData(StreamHubProtocol.MessagePack)]
    public async Task GetStreamingResponse_Prompt_TextAsItComesThenUsageModelAndFinishOnTheLastUpdate(StreamHubProtocol protocol)
    {
        await using var client = Client(protocol);

        var updates = await ReadAllAsync(client.GetStreamingResponseAsync("[emulator: tokens=20] rivers", new ChatOptions { MaxOutputTokens = 6 }));

        var last = updates[^1];
        Assert.Equal(EmulatorText.Text("rivers", 6), string.Concat(updates.Select(u => u.Text)));
        Assert.All(updates[..^1], u => Assert.IsType<TextContent>(Assert.Single(u.Contents)));
        Assert.Equal(ChatFinishReason.Length, last.FinishReason);
        Assert.Equal("emulator-1", last.ModelId);
        var usage = Assert.Single(last.Contents.OfType<UsageContent>()).Details;
        Assert.Equal(6, usage.OutputTokenCount);
        Assert.True(usage.InputTokenCount > 0);
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
        Assert.True((decimal)last.AdditionalProperties!["cost"]! > 0);
        Assert.Single(updates.Select(u => u.ResponseId).Distinct());
    }

    [Fact]
    public async Task GetResponse_ReasoningModel_ReasoningAndTextApartAndReasoningTokensCounted()
    {
        await using var client = Client();

        var response = await client.GetResponseAsync("[emulator: reasoning=4] think first", new ChatOptions { MaxOutputTokens = 5 }).WaitAsync(StreamHubServer.Timeout);

        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        Assert.Equal(string.Concat(EmulatorText.Reasoning("think first", 4)), string.Concat(contents.OfType<TextReasoningContent>().Select(r => r.Text)));
        Assert.Equal(EmulatorText.Text("think first", 5), response.Text);
        Assert.Equal(4, response.Usage!.ReasoningTokenCount);
    }

    [Fact]
    public async Task GetResponse_Refusal_ErrorContentRefusal()
    {
        await using var client = Client();

        var response = await client.GetResponseAsync("[emulator: refusal] do something bad").WaitAsync(StreamHubServer.Timeout);

        var refusal = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<ErrorContent>());
        Assert.Equal(("I'm sorry, but I can't help with that.", "Refusal"), (refusal.Message, refusal.ErrorCode));
    }

    [Fact]
    public async Task FunctionInvokingChatClient_OverStreamHub_CallsTheToolAndAnswersQuotingItsResult()
    {
        await using var hub = Client();
        using var chat = new ChatClientBuilder(hub).UseFunctionInvocation().Build();
        var calls = new List<string>();
        var weather = AIFunctionFactory.Create(
            (string city) =>
            {
                calls.Add(city);
                return $"18 °C and sunny in {city}";
            },
            "get_weather",
            "The weather in a city now");

        var response = await chat.GetResponseAsync("What is the weather in Oslo?", new ChatOptions { Tools = [weather], MaxOutputTokens = 64 }).WaitAsync(StreamHubServer.Timeout);

        var city = Assert.Single(calls);
        Assert.Equal($"The tool returned \"18 °C and sunny in {city}\".", response.Text);
        var contents = response.Messages.SelectMany(m => m.Contents).ToList();
        var call = Assert.Single(contents.OfType<FunctionCallContent>());
        Assert.Equal("get_weather", call.Name);
        Assert.Equal(call.CallId, Assert.Single(contents.OfType<FunctionResultContent>()).CallId);
        var requests = _server.Emulator.State.GetRequests();
        Assert.Equal(["get_weather"], requests[^2].Tools);
        var toolMessage = requests[^1].Messages[^1];
        Assert.Equal(("tool", call.CallId, $"18 °C and sunny in {city}"), (toolMessage.Role, toolMessage.ToolCallId, toolMessage.Content));
        Assert.Equal(call.CallId, Assert.Single(requests[^1].Messages[^2].ToolCalls).Id);
    }

    [Fact]
    public async Task GetStreamingResponse_ParallelToolCalls_EachWholeOnTheLastUpdate()
    {
        await using var client = Client();
        var tools = new ChatOptions { Tools = [AIFunctionFactory.Create((string q) => q, "search"), AIFunctionFactory.Create((int n) => n, "count")] };

        var updates = await ReadAllAsync(client.GetStreamingResponseAsync("[emulator: tools=2 parallel arg-fragments=4] both please", tools));

        var calls = updates[^1].Contents.OfType<FunctionCallContent>().ToList();
        Assert.Equal(["search", "count"], calls.Select(c => c.Name));
        Assert.All(calls, c => Assert.Null(c.Exception));
        Assert.IsType<JsonElement>(calls[0].Arguments!["q"]);
        Assert.Equal(ChatFinishReason.ToolCalls, updates[^1].FinishReason);
        Assert.Empty(updates[..^1].SelectMany(u => u.Contents).OfType<FunctionCallContent>());
    }

    [Fact]
    public async Task GetStreamingResponse_OptionsAndImage_ReachTheUpstreamUnderOpenAiNames()
    {
        await using var client = Client();
        var options = new ChatOptions
        {
            Temperature = 0.5f,
            TopP = 0.25f,
            Seed = 7,
            StopSequences = ["zzz"],
            ResponseFormat = ChatResponseFormat.Json,
            AdditionalProperties = new() { ["user"] = "u-9" },
        };
        ChatMessage[] messages = [new(ChatRole.User, [new TextContent("what is this?"), new DataContent(new byte[] { 137, 80, 78, 71 }, "image/png")])];

        await ReadAllAsync(client.GetStreamingResponseAsync(messages, options));

        var sent = _server.Emulator.State.GetRequests()[^1];
        using var body = JsonDocument.Parse(sent.Body);
        var root = body.RootElement;
        Assert.Equal(0.5, root.GetProperty("temperature").GetDouble());
        Assert.Equal(0.25, root.GetProperty("top_p").GetDouble());
        Assert.Equal(7, root.GetProperty("seed").GetInt32());
        Assert.Equal("zzz", root.GetProperty("stop")[0].GetString());
        Assert.Equal("json_object", root.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("u-9", root.GetProperty("user").GetString());
        Assert.Equal(["text", "image_url"], sent.Messages[^1].PartTypes);
    }

    [Fact]
    public async Task AddStreamHubChatClient_WithFunctionInvocation_ResolvesAClientThatRunsTools()
    {
        var services = new ServiceCollection();
        services.AddStreamHubChatClient(o => (o.Url, o.ApiKey) = (_server.HubUrl, Key)).UseFunctionInvocation();
        await using var provider = services.BuildServiceProvider();
        var chat = provider.GetRequiredService<IChatClient>();

        var response = await chat.GetResponseAsync("Time?", new ChatOptions { Tools = [AIFunctionFactory.Create(() => "noon", "clock")] }).WaitAsync(StreamHubServer.Timeout);

        Assert.Equal("The tool returned \"noon\".", response.Text);
        Assert.NotNull(chat.GetService<StreamHubChatClient>());
        Assert.Equal("streamhub", chat.GetService<ChatClientMetadata>()!.ProviderName);
    }

    [Fact]
    public async Task GetStreamingResponse_Queued_ProgressReportsThePositionThenTheRegion()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
        {
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = Key,
            ["Admission:MaxConcurrentStreams"] = "1",
        }, _server.Emulator);
        var reports = new System.Collections.Concurrent.ConcurrentQueue<StreamHubProgress>();
        var firstStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new StreamHubChatClient(new StreamHubClientOptions
        {
            Url = server.HubUrl,
            ApiKey = Key,
            Progress = new Progress(p =>
            {
                reports.Enqueue(p);
                if (p is { RequestId: "p-1", Region: not null })
                {
                    firstStarted.TrySetResult();
                }
            }),
        });
        var first = ReadAllAsync(client.GetStreamingResponseAsync("[emulator: tps=50 tokens=10] first", new ChatOptions { AdditionalProperties = new() { ["requestId"] = "p-1" } }));
        await firstStarted.Task.WaitAsync(StreamHubServer.Timeout);

        await ReadAllAsync(client.GetStreamingResponseAsync("second", new ChatOptions { MaxOutputTokens = 2, AdditionalProperties = new() { ["requestId"] = "p-2" } }));
        await first;

        var second = reports.Where(r => r.RequestId == "p-2").ToList();
        Assert.Equal(1, second[0].QueuePosition);
        Assert.Equal("primary", second[^1].Region);
    }

    private StreamHubChatClient Client(StreamHubProtocol protocol = StreamHubProtocol.Json)
        => new(new StreamHubClientOptions { Url = _server.HubUrl, ApiKey = Key, Protocol = protocol });

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var all = new List<ChatResponseUpdate>();
        await foreach (var update in updates.WithCancellation(timeout.Token))
        {
            all.Add(update);
        }

        return all;
    }

    private sealed class Progress(Action<StreamHubProgress> report) : IProgress<StreamHubProgress>
    {
        public void Report(StreamHubProgress value) => report(value);
    }
}
