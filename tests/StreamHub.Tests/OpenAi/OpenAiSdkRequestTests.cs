using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using System.Text.Json.Nodes;
using OpenAI;
using OpenAI.Chat;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

#pragma warning disable OPENAI001, SCME0001 // the SDK marks DeveloperChatMessage, Seed, ReasoningEffortLevel and Patch experimental

/// <summary>
/// What the official OpenAI .NET SDK sends through <c>/v1</c> reaches the upstream unchanged: the SDK's own
/// request bodies (recorded by a pipeline policy) against what the emulator received, only <c>model</c>,
/// <c>stream</c> and <c>stream_options</c> being StreamHub's.
/// </summary>
public sealed class OpenAiSdkRequestTests : IAsyncLifetime
{
    private static readonly ChatTool Weather = ChatTool.CreateFunctionTool("get_weather", "Weather now", BinaryData.FromString(
        """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));

    private readonly SentBodies _sent = new();
    private StreamHubServer _server = null!;
    private ChatClient _client = null!;

    public async Task InitializeAsync()
    {
        _server = await StreamHubServer.StartAsync(Settings());
        var options = new OpenAIClientOptions
        {
            Endpoint = new Uri(_server.BaseAddress + "v1"),
            RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            NetworkTimeout = StreamHubServer.Timeout,
        };
        options.AddPolicy(_sent, PipelinePosition.PerCall);
        _client = new ChatClient("emulator-1", new ApiKeyCredential(AcmeKey), options);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task CompleteChatStreaming_TwoTurnToolLoop_ToolsCallsAndResultReachTheEmulatorUnchanged()
    {
        var options = new ChatCompletionOptions { Tools = { Weather } };
        List<ChatMessage> messages = [new UserChatMessage("What is the weather in Nairobi?")];
        await DrainAsync(messages, options);

        // The second turn as an agent sends it, built here so the test does not depend on the streamed call.
        messages.Add(new AssistantChatMessage([ChatToolCall.CreateFunctionToolCall("call_w1", "get_weather", BinaryData.FromString("""{"city":"Nairobi"}"""))]));
        messages.Add(new ToolChatMessage("call_w1", "Rain, 18 degrees"));
        var text = await DrainAsync(messages, options);

        var received = _server.Emulator.State.GetRequests();
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal(200, r.Status));
        Assert.Equal(["get_weather"], received[0].Tools);
        var second = received[1];
        Assert.Equal(["user", "assistant", "tool"], second.Messages.Select(m => m.Role));
        Assert.True(second.Messages[1].ContentIsNull);
        Assert.Equal(new EmulatorToolCall("call_w1", "get_weather", """{"city":"Nairobi"}"""), Assert.Single(second.Messages[1].ToolCalls));
        Assert.Equal("call_w1", second.Messages[2].ToolCallId);
        Assert.Contains("\"Rain, 18 degrees\"", text, StringComparison.Ordinal); // the emulator read the result StreamHub forwarded
        AssertForwardedUnchanged(0);
        AssertForwardedUnchanged(1);
    }

    [Fact]
    public async Task CompleteChatStreaming_ImagePartsAndDeveloperRole_ReachTheEmulatorUnchanged()
    {
        List<ChatMessage> messages =
        [
            new DeveloperChatMessage("Describe images in one line."),
            new UserChatMessage(
                ChatMessageContentPart.CreateTextPart("What is in these pictures?"),
                ChatMessageContentPart.CreateImagePart(new Uri("https://example.com/cat.png"), ChatImageDetailLevel.Low),
                ChatMessageContentPart.CreateImagePart(BinaryData.FromBytes([0x89, 0x50, 0x4E, 0x47, 0xFB, 0xFF]), "image/png", ChatImageDetailLevel.High)),
        ];

        await DrainAsync(messages, new ChatCompletionOptions { MaxOutputTokenCount = 4 });

        var received = Assert.Single(_server.Emulator.State.GetRequests());
        Assert.Equal(["developer", "user"], received.Messages.Select(m => m.Role));
        Assert.Equal(["text", "image_url", "image_url"], received.Messages[1].PartTypes);
        var parts = JsonNode.Parse(received.Body)!["messages"]![1]!["content"]!;
        Assert.Equal("data:image/png;base64,iVBOR/v/", parts[2]!["image_url"]!["url"]!.GetValue<string>());
        AssertForwardedUnchanged(0);
    }

    [Fact]
    public async Task CompleteChat_FormatStopSeedTokenLimitAndUnknownFields_ReachTheEmulatorUnderTheirOwnNames()
    {
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonObjectFormat(),
            StopSequences = { "zzz" },
            Seed = 7,
            TopP = 0.5f,
            MaxOutputTokenCount = 9,
            ReasoningEffortLevel = ChatReasoningEffortLevel.Low,
            EndUserId = "u-42",
            Metadata = { ["team"] = "blue" },
        };
        options.Patch.Set("$.x_vendor"u8, "keep me");

        await _client.CompleteChatAsync([new UserChatMessage("Tell me about rivers")], options).WaitAsync(StreamHubServer.Timeout);

        var body = JsonNode.Parse(Assert.Single(_server.Emulator.State.GetRequests()).Body)!;
        Assert.Equal("json_object", body["response_format"]!["type"]!.GetValue<string>());
        Assert.Equal("zzz", body["stop"]![0]!.GetValue<string>());
        Assert.Equal(7, body["seed"]!.GetValue<long>());
        Assert.Equal(9, body["max_completion_tokens"]!.GetValue<int>());
        Assert.Null(body["max_tokens"]);
        Assert.Equal(0.5, body["top_p"]!.GetValue<double>());
        Assert.Equal("low", body["reasoning_effort"]!.GetValue<string>());
        Assert.Equal(("u-42", "keep me"), (body["user"]!.GetValue<string>(), body["x_vendor"]!.GetValue<string>()));
        AssertForwardedUnchanged(0);
    }

    private async Task<string> DrainAsync(List<ChatMessage> messages, ChatCompletionOptions options)
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var text = new StringBuilder();
        await foreach (var update in _client.CompleteChatStreamingAsync(messages, options, timeout.Token))
        {
            text.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
        }

        return text.ToString();
    }

    /// <summary>The SDK's <paramref name="index"/>th body equals the emulator's, but for what StreamHub sets.</summary>
    private void AssertForwardedUnchanged(int index) => AssertForwardedUnchanged(_sent.Bodies[index], _server.Emulator.State.GetRequests()[index].Body);

    /// <summary>A body a client sent equals the one the upstream received, but for <c>model</c>, <c>stream</c> and <c>stream_options</c>.</summary>
    internal static void AssertForwardedUnchanged(string sent, string received)
    {
        var (client, upstream) = (Without(JsonNode.Parse(sent)!.AsObject()), Without(JsonNode.Parse(received)!.AsObject()));
        Assert.True(JsonNode.DeepEquals(client, upstream), $"sent {client.ToJsonString()}\nreceived {upstream.ToJsonString()}");
    }

    private static JsonObject Without(JsonObject body)
    {
        body.Remove("model");
        body.Remove("stream");
        body.Remove("stream_options");
        return body;
    }

    /// <summary>Records every request body the SDK sends.</summary>
    private sealed class SentBodies : PipelinePolicy
    {
        private readonly List<string> _bodies = [];

        public IReadOnlyList<string> Bodies
        {
            get
            {
                lock (_bodies)
                {
                    return [.. _bodies];
                }
            }
        }

        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Record(message);
            ProcessNext(message, pipeline, currentIndex);
        }

        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            Record(message);
            await ProcessNextAsync(message, pipeline, currentIndex);
        }

        private void Record(PipelineMessage message)
        {
            using var buffer = new MemoryStream();
            message.Request.Content?.WriteTo(buffer);
            lock (_bodies)
            {
                _bodies.Add(Encoding.UTF8.GetString(buffer.ToArray()));
            }
        }
    }
}
