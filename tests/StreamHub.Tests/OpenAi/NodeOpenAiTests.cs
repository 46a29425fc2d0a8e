using System.Text.Json;
using System.Text.Json.Nodes;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// The official <c>openai</c> npm package, run by Node from <c>tests/js/openai-stream.mjs</c>, against
/// StreamHub. Needs <c>npm ci</c> at the repository root; without it these tests fail and say so.
/// </summary>
public sealed class NodeOpenAiTests(OpenAiServer shared) : IClassFixture<OpenAiServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OpenAiNpm_StreamsThroughStreamHub_TextEqualsTheEmulatorText()
    {
        const string prompt = "Tell me about rivers";
        using var node = NodeScript.Start(_server.BaseAddress, AcmeKey, prompt, "12");

        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();

        Assert.Equal(0, exit);
        using var result = JsonDocument.Parse(line);
        Assert.Equal(EmulatorText.Text(prompt, 12), result.RootElement.GetProperty("text").GetString());
        Assert.Equal(12, result.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal("stop", result.RootElement.GetProperty("finish").GetString()); // relayed from the upstream
    }

    [Fact]
    public async Task OpenAiNpm_UnknownKey_GetsApiError401WithTheContractCode()
    {
        using var node = NodeScript.Start(_server.BaseAddress, "not-a-key-0123456789abcdef", "hi", "3");

        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();

        Assert.Equal(2, exit);
        using var result = JsonDocument.Parse(line);
        Assert.Equal(401, result.RootElement.GetProperty("error").GetProperty("status").GetInt32());
        Assert.Equal("unauthorized", result.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task OpenAiNpm_AbortsMidStream_UpstreamRequestEnds()
    {
        using var node = NodeScript.Start(_server.BaseAddress, AcmeKey, Slow, "500", "--cancel-after=3");

        var line = await node.ReadLineAsync();

        // The script stays alive for 5 s after aborting, so only the abort can have ended the upstream.
        Assert.Contains("\"cancelled\":true", line, StringComparison.Ordinal);
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
        Assert.False(node.HasExited);
    }

    [Fact]
    public async Task OpenAiNpm_ToolLoopImagesAndFurtherFields_ReachTheEmulatorUnchanged()
    {
        using var node = NodeScript.Run("openai-tools.mjs", _server.BaseAddress, AcmeKey);

        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();

        Assert.True(exit == 0, line);
        var result = JsonNode.Parse(line)!;
        var sent = result["sent"]!.AsArray();
        var received = _server.Emulator.State.GetRequests();
        Assert.Equal(3, received.Count);
        for (var i = 0; i < received.Count; i++)
        {
            Assert.Equal(200, received[i].Status);
            OpenAiSdkRequestTests.AssertForwardedUnchanged(sent[i]!.ToJsonString(), received[i].Body);
        }

        Assert.Equal(["get_weather"], received[0].Tools);
        var second = received[1];
        Assert.Equal(["user", "assistant", "tool"], second.Messages.Select(m => m.Role));
        Assert.True(second.Messages[1].ContentIsNull);
        Assert.Equal(new EmulatorToolCall("call_w1", "get_weather", """{"city":"Nairobi"}"""), Assert.Single(second.Messages[1].ToolCalls));
        Assert.Equal("call_w1", second.Messages[2].ToolCallId);
        Assert.Contains("\"Rain, 18 degrees\"", result["turns"]![1]!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(["developer", "user"], received[2].Messages.Select(m => m.Role));
        Assert.Equal(["text", "image_url"], received[2].Messages[1].PartTypes);
        Assert.Equal(9, received[2].MaxTokens);
        Assert.Null(JsonNode.Parse(received[2].Body)!["max_tokens"]);
    }

    [Fact]
    public async Task OpenAiNpm_ModelsList_TheTenantsModelsOwnedByTheirRegions()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(
            ("Upstream:Regions:0:Models:chat", "gpt-4.1"),
            ("Upstream:Regions:0:Models:fast", "gpt-4.1-mini"),
            ("Upstream:Model", "chat"),
            ("Tenants:0:Models:0", "fast")), _server.Emulator);
        using var node = NodeScript.Run("openai-models.mjs", server.BaseAddress, AcmeKey);

        var line = await node.ReadLineAsync();
        var exit = await node.ExitAsync();

        Assert.True(exit == 0, line);
        var model = Assert.Single(JsonNode.Parse(line)!["models"]!.AsArray())!;
        Assert.Equal(("fast", "model", "primary"), (model["id"]!.GetValue<string>(), model["object"]!.GetValue<string>(), model["owned_by"]!.GetValue<string>()));
    }
}
