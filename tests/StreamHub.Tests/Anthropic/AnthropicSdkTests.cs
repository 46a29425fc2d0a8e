using Anthropic;
using System.Text.Json;
using Anthropic.Models.Messages;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Anthropic;

/// <summary>
/// The official Anthropic .NET SDK (13.14.0) through StreamHub's <c>/v1/messages</c>: the same two-turn tool use, thinking
/// on, whether the region that answers speaks Anthropic's dialect or OpenAI's.
/// </summary>
public sealed class AnthropicSdkTests
{
    [Theory]
    [InlineData("Anthropic")]
    [InlineData("OpenAi")]
    public async Task CreateStreaming_TwoTurnToolUse_SdkAssemblesCallThenReadsTheQuotedResult(string dialect)
    {
        await using var server = await AnthropicTestKit.StartAsync(dialect);
        using var timeout = new CancellationTokenSource(Waits.Timeout);
        var client = AnthropicTestKit.Client(server);
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
            Model = "emulator-1",
            MaxTokens = 2048,
            Thinking = new ThinkingConfigEnabled(1024),
            Tools = [tool],
            Messages = [new UserMessageParam("Nairobi [emulator: reasoning=3]")],
        };

        var (events, inputDeltas) = (new List<RawMessageStreamEvent>(), 0);
        await foreach (var item in client.Messages.CreateStreaming(first, timeout.Token))
        {
            events.Add(item);
            inputDeltas += item.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickInputJson(out _) ? 1 : 0;
        }

        var message = await events.ToAsyncEnumerable().Aggregate().WaitAsync(timeout.Token);
        Assert.True(message.Content[0].TryPickThinking(out var thinking), "the reasoning arrives as a thinking block first");
        Assert.False(string.IsNullOrEmpty(thinking.Thinking));
        var use = message.Content.Select(b => b.TryPickToolUse(out var u) ? u : null).Single(u => u is not null)!;
        Assert.Equal(("get_weather", "Nairobi"), (use.Name, use.Input["city"].GetString()));
        Assert.Equal("tool_use", message.StopReason?.Raw());
        Assert.True(inputDeltas >= 3, $"the input came in {inputDeltas} deltas");
        Assert.True(message.Usage.OutputTokens > 0);

        var second = first with
        {
            Messages =
            [
                new UserMessageParam("Nairobi [emulator: reasoning=3]"),
                new AssistantMessageParam(new List<ContentBlockParam>
                {
                    new ThinkingBlockParam { Thinking = thinking.Thinking, Signature = thinking.Signature },
                    new ToolUseBlockParam { ID = use.ID, Name = use.Name, Input = use.Input },
                }),
                new UserMessageParam(new List<ContentBlockParam> { new ToolResultBlockParam(use.ID) { Content = "Rain, 18 degrees" } }),
            ],
        };
        var answer = await client.Messages.CreateStreaming(second, timeout.Token).Aggregate().WaitAsync(timeout.Token);

        var text = string.Concat(answer.Content.Select(b => b.TryPickText(out var t) ? t.Text : string.Empty));
        Assert.Contains("\"Rain, 18 degrees\"", text, StringComparison.Ordinal);
        Assert.Equal("end_turn", answer.StopReason?.Raw());
        var received = server.Emulator.State.GetRequests();
        Assert.Equal(dialect == "Anthropic" ? "/v1/messages" : "/v1/chat/completions", received[^1].Path);
        Assert.Equal(use.ID, received[^1].Messages[^1].ToolCallId);
    }
}
