using System.Text;
using System.Text.Json;
using OpenAI.Chat;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Anthropic;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

#pragma warning disable OPENAI001, SCME0001 // the SDK marks ReasoningEffortLevel and Patch experimental

namespace StreamHub.Tests.Upstream;

/// <summary>
/// OpenAI's .NET and npm SDKs and the SignalR client stream from an Anthropic-dialect region as from any other: Claude's thinking
/// (asked for with <c>reasoning_effort</c>) arrives as reasoning, apart from the answer.
/// </summary>
public sealed class AnthropicRegionClientsTests
{
    private const string Prompt = "Tell me about rivers";

    [Fact]
    public async Task OpenAiNpm_AnthropicRegionWithEffort_ThinkingArrivesAsReasoningContent()
    {
        await using var server = await AnthropicTestKit.StartAsync("Anthropic");
        using var node = NodeScript.Start(server.BaseAddress, AcmeKey, Prompt, "2000", "--reasoning-effort=low");

        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();

        Assert.True(exit == 0, line);
        using var result = JsonDocument.Parse(line);
        Assert.Equal("Let me think this through.", result.RootElement.GetProperty("reasoning").GetString());
        Assert.Equal(EmulatorText.Text(Prompt, 12), result.RootElement.GetProperty("text").GetString());
        Assert.Equal("stop", result.RootElement.GetProperty("finish").GetString());
        var sent = JsonDocument.Parse(server.Emulator.State.GetRequests()[^1].Body).RootElement;
        Assert.Equal(1024, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }

    [Fact]
    public async Task OpenAiDotNet_AnthropicRegionWithEffort_ThinkingInReasoningContentNeverInContent()
    {
        await using var server = await AnthropicTestKit.StartAsync("Anthropic");
        using var timeout = new CancellationTokenSource(Waits.Timeout);
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        var options = new ChatCompletionOptions { MaxOutputTokenCount = 2000, ReasoningEffortLevel = ChatReasoningEffortLevel.Low };

        await foreach (var update in ChatClient(server, AcmeKey).CompleteChatStreamingAsync([new UserChatMessage(Prompt)], options, timeout.Token))
        {
            text.AppendJoin(string.Empty, update.ContentUpdate.Select(p => p.Text));
            // The SDK has no member for reasoning_content; its JSON patch reads the field the update came with.
            if (update.Patch.TryGetValue("$.choices[0].delta.reasoning_content"u8, out string? thought))
            {
                reasoning.Append(thought);
            }
        }

        Assert.Equal("Let me think this through.", reasoning.ToString());
        Assert.Equal(EmulatorText.Text(Prompt, 12), text.ToString());
        var sent = JsonDocument.Parse(server.Emulator.State.GetRequests()[^1].Body).RootElement;
        Assert.Equal(1024, sent.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamEvents_AnthropicRegionWithEffort_ReasoningEventsThenTextFinishUsage()
    {
        await using var server = await AnthropicTestKit.StartAsync("Anthropic");
        await using var caller = await HubCaller.ConnectAsync(server, AcmeKey);

        var events = await StreamEventKit.ReadEventsAsync(
            caller.Connection,
            new StreamRequest { Prompt = Prompt + " [emulator: cached=7 cache-write=3]", MaxTokens = 2000, ReasoningEffort = "medium" });

        var reasoning = events.TakeWhile(e => e.Type == StreamEventTypes.Reasoning).ToList();
        Assert.Equal("Let me think this through.", string.Concat(reasoning.Select(e => e.Text)));
        Assert.Equal(EmulatorText.Text(Prompt, 12), string.Concat(events.Where(e => e.Type == StreamEventTypes.Text).Select(e => e.Text)));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], events.TakeLast(2).Select(e => e.Type));
        Assert.Equal("stop", events[^2].FinishReason);
        var usage = events[^1].Usage!;
        Assert.Equal((7, 3, 12 + 6), (usage.CachedPromptTokens, usage.CacheWriteTokens, usage.CompletionTokens));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Seq));
    }
}
