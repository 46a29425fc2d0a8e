using System.Text.Json;
using System.Text.Json.Nodes;
using StreamHub.Contracts;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>The upstream body: what StreamHub sets, and everything else as the caller sent it.</summary>
public sealed class UpstreamCallTests
{
    private static readonly StreamingOptions Limits = new();

    [Fact]
    public void ToRequestBody_OpenAiBody_ForwardsEverythingButWhatStreamHubSets()
    {
        const string sent = """
            {"model":"client-name","stream":false,"stream_options":{"include_usage":false,"include_obfuscation":false},
             "request_id":"r-1","group":"team","priority":"low","resumable":true,
             "messages":[
               {"role":"developer","content":"Answer in French"},
               {"role":"user","content":[{"type":"text","text":"What is this? été"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO+w0K/Gg==","detail":"low"}},{"type":"future_part","x":[1,2]}]},
               {"role":"assistant","content":null,"reasoning_content":"thinking","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"},"extra_content":{"google":{"thought_signature":"sig"}}}]},
               {"role":"tool","tool_call_id":"call_1","content":"Rain, 18 degrees"}],
             "max_completion_tokens":64,"temperature":0.25,
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true}}],
             "tool_choice":"auto","parallel_tool_calls":false,"response_format":{"type":"json_schema","json_schema":{"name":"w","schema":{"type":"object"}}},
             "stop":"END","seed":7,"top_p":0.9,"reasoning_effort":"low","user":"u-42","metadata":{"k":"v"},"logprobs":null,"service_tier":"flex"}
            """;
        var call = UpstreamCall.For(ParseOpenAi(sent), "client-name", 32_768);

        var body = JsonNode.Parse(call.ToRequestBody("region-name"))!.AsObject();

        var expected = JsonNode.Parse(sent)!.AsObject();
        foreach (var own in new[] { "request_id", "group", "priority", "resumable" })
        {
            expected.Remove(own);
        }

        expected["model"] = "region-name";
        expected["stream"] = true;
        expected["stream_options"] = new JsonObject { ["include_usage"] = true };
        Assert.True(JsonNode.DeepEquals(expected, body), $"sent upstream: {body.ToJsonString()}");
    }

    [Fact]
    public void ToRequestBody_HubRequest_WritesOpenAiNames()
    {
        using var document = JsonDocument.Parse("""
            {"messages":[{"role":"user","content":"Weather in Paris?"},
               {"role":"assistant","toolCalls":[{"Id":"call_1","Function":{"Name":"get_weather","Arguments":"{}"}}]},
               {"role":"tool","toolCallId":"call_1","content":"Rain"}],
             "maxTokens":12,"tools":[{"type":"function","function":{"name":"get_weather"}}],"toolChoice":"auto",
             "responseFormat":{"type":"json_object"},"stop":["END"],"seed":7,"topP":0.5,"reasoningEffort":"high","extra":{"user":"u-1"}}
            """);
        var call = UpstreamCall.For(StreamRequestParser.Parse(document.RootElement, Limits), "emulator-1", 32_768);

        var body = JsonNode.Parse(call.ToRequestBody("emulator-1"))!;

        var expected = JsonNode.Parse("""
            {"model":"emulator-1","messages":[{"role":"user","content":"Weather in Paris?"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{}"}}]},
               {"role":"tool","content":"Rain","tool_call_id":"call_1"}],
             "stream":true,"stream_options":{"include_usage":true},"max_tokens":12,
             "tools":[{"type":"function","function":{"name":"get_weather"}}],"tool_choice":"auto","response_format":{"type":"json_object"},
             "stop":["END"],"seed":7,"top_p":0.5,"reasoning_effort":"high","user":"u-1"}
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), $"sent upstream: {body.ToJsonString()}");
    }

    [Fact]
    public void ToRequestBody_TextAndDataUrls_StayUnescaped()
    {
        var call = new UpstreamCall([ChatMessage.FromParts("user", [ContentPart.FromText("été <b>"), ContentPart.FromImageUrl("data:image/png;base64,a+b/c=")])], "m", null, null);

        var body = System.Text.Encoding.UTF8.GetString(call.ToRequestBody("m"));

        Assert.Contains("""{"type":"text","text":"été <b>"}""", body, StringComparison.Ordinal);
        Assert.Contains("\"url\":\"data:image/png;base64,a+b/c=\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public void RequestBodies_SameModel_WrittenOnce()
    {
        var bodies = new RequestBodies(new UpstreamCall([new ChatMessage("user", "hi")], "gpt", 5, null));

        var first = bodies.For("gpt");
        var again = bodies.For("gpt");
        var other = bodies.For("gpt-4o-2024-08-06");

        Assert.Same(first, again);
        Assert.NotSame(first, other);
        Assert.Equal("gpt-4o-2024-08-06", JsonNode.Parse(other)!["model"]!.GetValue<string>());
    }

    private static CompletionRequest ParseOpenAi(string json)
    {
        using var document = JsonDocument.Parse(json);
        return StreamRequestParser.Parse(document.RootElement, Limits, RequestShape.OpenAi);
    }
}
