using System.Text.Json.Nodes;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.Anthropic;

/// <summary>
/// The official <c>@anthropic-ai/sdk</c> npm package, run by Node from <c>tests/js/anthropic-tools.mjs</c>, through
/// StreamHub's <c>/v1/messages</c> (its key as <c>x-api-key</c>), answered by a region of either dialect.
/// </summary>
public sealed class NodeAnthropicTests
{
    [Theory]
    [InlineData("Anthropic")]
    [InlineData("OpenAi")]
    public async Task AnthropicNpm_TwoTurnToolUse_StreamsThinkingCallAndTheQuotedResult(string dialect)
    {
        await using var server = await AnthropicTestKit.StartAsync(dialect);
        using var node = NodeScript.Run("anthropic-tools.mjs", server.BaseAddress, AcmeKey);

        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();

        Assert.True(exit == 0, line);
        var turns = JsonNode.Parse(line)!["turns"]!.AsArray();
        var first = turns[0]!;
        Assert.Equal("tool_use", first["stop"]!.GetValue<string>());
        Assert.Equal("thinking", first["content"]![0]!["type"]!.GetValue<string>());
        Assert.True(first["thinkingDeltas"]!.GetValue<int>() >= 3);
        Assert.True(first["inputDeltas"]!.GetValue<int>() >= 3);
        var use = first["content"]!.AsArray().Single(b => b!["type"]!.GetValue<string>() == "tool_use")!;
        Assert.Equal(("get_weather", "Nairobi"), (use["name"]!.GetValue<string>(), use["input"]!["city"]!.GetValue<string>()));
        var second = turns[1]!;
        Assert.Equal("end_turn", second["stop"]!.GetValue<string>());
        var text = string.Concat(second["content"]!.AsArray().Where(b => b!["type"]!.GetValue<string>() == "text").Select(b => b!["text"]!.GetValue<string>()));
        Assert.Contains("\"Rain, 18 degrees\"", text, StringComparison.Ordinal);
        Assert.True(second["usage"]!["output_tokens"]!.GetValue<int>() > 0);

        var received = server.Emulator.State.GetRequests();
        Assert.Equal(2, received.Count);
        Assert.All(received, r => Assert.Equal(dialect == "Anthropic" ? "/v1/messages" : "/v1/chat/completions", r.Path));
        Assert.Equal(use["id"]!.GetValue<string>(), received[1].Messages[^1].ToolCallId);
    }

    [Fact]
    public async Task AnthropicNpm_UnknownKey_GetsAuthenticationError401()
    {
        await using var server = await AnthropicTestKit.StartAsync("Anthropic");
        using var node = NodeScript.Run("anthropic-tools.mjs", server.BaseAddress, "not-a-key-0123456789abcdef");

        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();

        Assert.Equal(2, exit);
        var error = JsonNode.Parse(line)!["error"]!;
        Assert.Equal((401, "authentication_error"), (error["status"]!.GetValue<int>(), error["type"]!.GetValue<string>()));
        Assert.Empty(server.Emulator.State.GetRequests());
    }
}
