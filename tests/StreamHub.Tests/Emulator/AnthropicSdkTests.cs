using System.Text.Json;
using Anthropic;
using Anthropic.Models.Messages;

namespace StreamHub.Tests.Emulator;

/// <summary>The official Anthropic .NET SDK (13.14.0) reads what the emulator's <c>/v1/messages</c> streams.</summary>
public sealed class AnthropicSdkTests : IAsyncLifetime
{
    private EmulatorClient _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task CreateStreaming_ToolUseLoopWithThinking_SdkAssemblesCallAndReadsQuotedResult()
    {
        using var timeout = new CancellationTokenSource(EmulatorClient.Timeout);
        var client = new AnthropicClient { ApiKey = "sk-ant-test", BaseUrl = _emulator.Server.BaseAddress.ToString().TrimEnd('/'), MaxRetries = 0 };
        var tool = new Tool
        {
            Name = "get_weather",
            Description = "Weather now",
            InputSchema = new InputSchema
            {
                Properties = new Dictionary<string, JsonElement> { ["city"] = JsonDocument.Parse("""{"type":"string"}""").RootElement },
                Required = ["city"],
            },
        };
        var first = new MessageCreateParams
        {
            Model = "claude-emulated",
            MaxTokens = 2048,
            Thinking = new ThinkingConfigEnabled(1024),
            Tools = [tool],
            Messages = [new UserMessageParam("Nairobi")],
        };

        var inputDeltas = 0;
        var events = new List<RawMessageStreamEvent>();
        await foreach (var item in client.Messages.CreateStreaming(first, timeout.Token))
        {
            events.Add(item);
            inputDeltas += item.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out _) ? 1 : 0;
        }

        var message = await events.ToAsyncEnumerable().Aggregate().WaitAsync(timeout.Token);
        Assert.True(message.Content[0].TryPickThinking(out var thinking));
        Assert.Equal("Let me think this through.", thinking.Thinking);
        Assert.False(string.IsNullOrEmpty(thinking.Signature));
        Assert.True(message.Content[1].TryPickToolUse(out var use));
        Assert.Equal(("get_weather", "Nairobi"), (use.Name, use.Input["city"].GetString()));
        Assert.Equal("tool_use", message.StopReason?.Raw());
        Assert.True(inputDeltas >= 3, $"the input came in {inputDeltas} deltas");

        var second = first with
        {
            Messages =
            [
                new UserMessageParam("Nairobi"),
                new AssistantMessageParam(new List<ContentBlockParam> { new ToolUseBlockParam { ID = use.ID, Name = use.Name, Input = use.Input } }),
                new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(use.ID) { Content = "Rain, 18 degrees" } }),
            ],
        };
        var answer = await client.Messages.CreateStreaming(second, timeout.Token).Aggregate().WaitAsync(timeout.Token);

        var text = string.Concat(answer.Content.Select(b => b.TryPickText(out var t) ? t.Text : string.Empty));
        Assert.Contains("\"Rain, 18 degrees\"", text, StringComparison.Ordinal);
        Assert.Equal("end_turn", answer.StopReason?.Raw());
        var received = _emulator.Server.State.GetRequests()[^1];
        Assert.Equal("Bearer sk-ant-test", received.Authorization); // this SDK sends the key as a bearer token
        Assert.Equal(["tool_result"], received.Messages[2].PartTypes);
        Assert.Equal(use.ID, received.Messages[2].ToolCallId);
    }
}
