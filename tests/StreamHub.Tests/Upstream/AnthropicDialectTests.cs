using System.Text.Json;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>An Anthropic-dialect region (the emulator's <c>/v1/messages</c>) read into the same chunks as an OpenAI one.</summary>
public sealed class AnthropicDialectTests
{
    private static readonly TimeSpan Timeout = UpstreamHarness.Timeout;

    [Fact]
    public async Task StreamAsync_AnthropicRegion_PostsMessagesWithKeyVersionAndMaxTokens()
    {
        await using var h = await StartAsync(o => o.Regions[0].Headers["anthropic-beta"] = "interleaved-thinking-2025-05-14");

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello")).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal(EmulatorText.Tokens("hello", 12), UpstreamHarness.Texts(chunks));
        Assert.Equal("stop", chunks.Single(c => c.FinishReason is not null).FinishReason);
        var received = Assert.Single(h.Emulators[0].State.GetRequests());
        Assert.Equal(("/v1/messages", 200), (received.Path, received.Status));
        Assert.Equal(UpstreamHarness.ApiKey(0), received.Headers["x-api-key"]);
        Assert.Null(received.Authorization);
        Assert.Equal(RegionEndpoint.AnthropicVersion, received.Headers["anthropic-version"]);
        Assert.Equal("interleaved-thinking-2025-05-14", received.Headers["anthropic-beta"]);
        Assert.Equal(32_768, received.MaxTokens); // Anthropic requires max_tokens: Streaming:MaxTokensLimit when the request names none
    }

    [Fact]
    public async Task StreamAsync_ThinkingAndToolUse_ReasoningThenCallDeltasWithIdAndName()
    {
        await using var h = await StartAsync();
        var call = Call("""
            {"prompt":"Nairobi","maxTokens":4000,"reasoningEffort":"low",
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]}
            """);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream(call)).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Equal("Let me think this through.", string.Concat(chunks.Select(c => c.Reasoning)));
        var deltas = chunks.Where(c => c.ToolCalls is not null).SelectMany(c => c.ToolCalls!).ToList();
        Assert.Equal((0, "get_weather"), (deltas[0].Index, deltas[0].Name));
        Assert.StartsWith("toolu_emu_", deltas[0].Id, StringComparison.Ordinal);
        Assert.True(deltas.Count >= 3, $"the arguments came in {deltas.Count - 1} fragments");
        Assert.Equal("""{"city":"Nairobi"}""", string.Concat(deltas.Select(d => d.Arguments)));
        Assert.Equal("tool_calls", chunks.Single(c => c.FinishReason is not null).FinishReason);
        Assert.All(chunks, c => Assert.Equal("emulator-1", c.Model));
        var body = JsonDocument.Parse(Assert.Single(h.Emulators[0].State.GetRequests()).Body).RootElement;
        Assert.Equal(1024, body.GetProperty("thinking").GetProperty("budget_tokens").GetInt32());
    }

    [Fact]
    public async Task StreamAsync_CacheReadAndCreation_CountedInThePromptAsOpenAiCountsCachedTokens()
    {
        await using var h = await StartAsync();

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream("hello [emulator: cached=100 cache-write=20 prompt-tokens=5]")).WaitAsync(Timeout);

        Assert.Null(error);
        var usage = chunks.Single(c => c.Usage is not null).Usage!;
        Assert.Equal(new UsageInfo(125, 12, 137, CachedPromptTokens: 100, ReasoningTokens: 0, CacheWriteTokens: 20), usage);
    }

    [Fact]
    public async Task StreamAsync_ToolLoopBackToAnthropic_ResultsAnswerTheirCalls()
    {
        await using var h = await StartAsync();
        var call = Call("""
            {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Nairobi and Lima?"},
               {"role":"assistant","content":null,"toolCalls":[
                 {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Nairobi\"}"}},
                 {"id":"toolu_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Lima\"}"}}]},
               {"role":"tool","toolCallId":"toolu_1","content":"Rain, 18 degrees"},
               {"role":"tool","toolCallId":"toolu_2","content":"Fog, 15 degrees"}],
             "tools":[{"type":"function","function":{"name":"get_weather"}}]}
            """);

        var (chunks, error) = await UpstreamHarness.ReadAllAsync(h.Stream(call)).WaitAsync(Timeout);

        Assert.Null(error);
        Assert.Contains("Fog, 15 degrees", string.Concat(UpstreamHarness.Texts(chunks)), StringComparison.Ordinal);
        var received = Assert.Single(h.Emulators[0].State.GetRequests());
        Assert.Equal("Be brief.", received.System);
        Assert.Equal(["user", "assistant", "user"], received.Messages.Select(m => m.Role));
        Assert.Equal(["tool_result", "tool_result"], received.Messages[2].PartTypes);
        Assert.Equal("toolu_1,toolu_2", received.Messages[2].ToolCallId);
    }

    internal static Task<UpstreamHarness> StartAsync(Action<UpstreamOptions>? configure = null, int regions = 1) => UpstreamHarness.StartAsync(
        regions,
        o =>
        {
            o.Regions[0].Dialect = Dialect.Anthropic;
            configure?.Invoke(o);
        });

    internal static UpstreamCall Call(string hubRequest)
    {
        using var document = JsonDocument.Parse(hubRequest);
        return UpstreamCall.For(StreamRequestParser.Parse(document.RootElement, new StreamingOptions()), "emulator-1", 32_768);
    }
}
