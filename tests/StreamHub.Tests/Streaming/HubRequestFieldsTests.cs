using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Streaming.HubStreamingTests;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// Everything a hub caller sends reaches the upstream in OpenAI's shape: the official .NET client sends the
/// contract's <see cref="StreamRequest"/> (camelCase), the emulator records the body it received.
/// </summary>
public sealed class HubRequestFieldsTests : IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Stream_ToolTurnWithPartsToolsOptionsAndExtra_EmulatorReceivesThemInOpenAiShape()
    {
        await using var connection = await _server.ConnectAsync();
        var request = new StreamRequest
        {
            Messages =
            [
                new("developer", "Answer briefly."),
                ChatMessage.FromParts("user", [ContentPart.FromText("Weather where this was taken?"), ContentPart.FromImageUrl("data:image/png;base64,iVBORw0KGgo+/A==", "low")]),
                ChatMessage.AssistantToolCalls([new ToolCall("call_w1", new ToolCallFunction("get_weather", """{"city":"Nairobi"}"""))]),
                ChatMessage.ToolResult("call_w1", "Rain, 18 degrees"),
            ],
            Tools = Json("""[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}]"""),
            ToolChoice = Json("\"auto\""),
            ResponseFormat = Json("""{"type":"text"}"""),
            Stop = ["zzz"],
            Seed = 7,
            TopP = 0.5,
            ReasoningEffort = "low",
            MaxTokens = 8,
            Extra = new Dictionary<string, JsonElement> { ["user"] = Json("\"u-42\""), ["parallel_tool_calls"] = Json("false") },
        };

        var text = string.Concat(await ReadAllAsync(connection, request));

        Assert.Contains("\"Rain, 18 degrees\"", text, StringComparison.Ordinal); // the emulator read the forwarded tool result
        var received = JsonNode.Parse(Assert.Single(_server.Emulator.State.GetRequests()).Body);
        var expected = JsonNode.Parse("""
            {"model":"emulator-1","stream":true,"stream_options":{"include_usage":true},"max_tokens":8,
             "messages":[
               {"role":"developer","content":"Answer briefly."},
               {"role":"user","content":[{"type":"text","text":"Weather where this was taken?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo+/A==","detail":"low"}}]},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_w1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Nairobi\"}"}}]},
               {"role":"tool","content":"Rain, 18 degrees","tool_call_id":"call_w1"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "tool_choice":"auto","response_format":{"type":"text"},"stop":["zzz"],"seed":7,"top_p":0.5,"reasoning_effort":"low",
             "user":"u-42","parallel_tool_calls":false}
            """);
        Assert.True(JsonNode.DeepEquals(expected, received), $"received {received!.ToJsonString()}");
    }

    [Fact]
    public async Task Stream_ExtraNamesAFieldStreamHubSets_AnswersInvalidRequestAndSendsNothing()
    {
        await using var connection = await _server.ConnectAsync();
        var request = new StreamRequest { Prompt = "hi", Extra = new Dictionary<string, JsonElement> { ["max_completion_tokens"] = Json("100000") } };

        var error = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(connection, request));

        Assert.StartsWith("invalid_request: extra.max_completion_tokens is set by StreamHub", error.Message, StringComparison.Ordinal);
        Assert.Empty(_server.Emulator.State.GetRequests());
    }

    [Fact]
    public async Task Stream_MalformedToolCall_SentenceNamesItsPath()
    {
        await using var connection = await _server.ConnectAsync();
        var request = new
        {
            messages = new object[]
            {
                new { role = "user", content = "Weather?" },
                new { role = "assistant", content = (string?)null, toolCalls = new[] { new { id = "call_1", type = "function", function = new { name = 42, arguments = "{}" } } } },
            },
        };

        var error = await Assert.ThrowsAsync<HubException>(() => ReadAllAsync(connection, request));

        Assert.Equal("invalid_request: messages[1].toolCalls[0].function.name must be a string", error.Message);
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}
