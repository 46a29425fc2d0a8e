using System.Text.Json;
using System.Text.Json.Nodes;
using StreamHub.Contracts;
using StreamHub.Streaming;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>The Messages API body an Anthropic region receives for a chat written in OpenAI's terms.</summary>
public sealed class AnthropicRequestWriterTests
{
    private static readonly StreamingOptions Limits = new();

    [Fact]
    public void ToRequestBody_OpenAiToolConversation_TranslatesEveryPart()
    {
        const string sent = """
            {"model":"claude","messages":[
               {"role":"system","content":"Be brief."},
               {"role":"developer","content":"Answer in French."},
               {"role":"user","content":[{"type":"text","text":"Weather here?","cache_control":{"type":"ephemeral"}},
                 {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBO+w0K/Gg=="}},
                 {"type":"image_url","image_url":{"url":"https://example.com/a.jpg","detail":"low"}}]},
               {"role":"assistant","content":"Let me look.","tool_calls":[
                 {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
                 {"id":"call_2","type":"function","function":{"name":"get_time","arguments":""}}]},
               {"role":"tool","tool_call_id":"call_1","content":"Rain"},
               {"role":"tool","tool_call_id":"call_2","content":"Noon"},
               {"role":"user","content":"Thanks"}],
             "max_tokens":300,"temperature":0.5,"top_p":0.9,"stop":"END","seed":7,"response_format":{"type":"json_object"},
             "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}},
                      {"type":"function","function":{"name":"get_time"}}],
             "tool_choice":"required","parallel_tool_calls":false,"user":"u-42","frequency_penalty":0.1,"top_k":5}
            """;

        var body = Write(sent);

        var expected = JsonNode.Parse("""
            {"model":"claude-sonnet","max_tokens":300,"system":"Be brief.\n\nAnswer in French.",
             "messages":[
               {"role":"user","content":[{"type":"text","text":"Weather here?","cache_control":{"type":"ephemeral"}},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBO+w0K/Gg=="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/a.jpg"}}]},
               {"role":"assistant","content":[{"type":"text","text":"Let me look."},
                 {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
                 {"type":"tool_use","id":"call_2","name":"get_time","input":{}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"Rain"},
                 {"type":"tool_result","tool_use_id":"call_2","content":"Noon"},{"type":"text","text":"Thanks"}]}],
             "stream":true,"temperature":0.5,"top_p":0.9,"stop_sequences":["END"],
             "tools":[{"name":"get_weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}},
                      {"name":"get_time","input_schema":{"type":"object","properties":{}}}],
             "tool_choice":{"type":"any","disable_parallel_tool_use":true},
             "top_k":5,"metadata":{"user_id":"u-42"}}
            """);
        Assert.True(JsonNode.DeepEquals(expected, body), $"sent upstream: {body.ToJsonString()}");
    }

    [Theory]
    [InlineData("low", null, 1024)]
    [InlineData("medium", null, 4096)]
    [InlineData("high", null, 16_384)]
    [InlineData("high", 2000, 1999)]
    [InlineData("high", 1024, null)]
    [InlineData("minimal", null, null)]
    public void ToRequestBody_ReasoningEffort_AsksForAThinkingBudgetBelowMaxTokens(string effort, int? maxTokens, int? budget)
    {
        var limit = maxTokens is null ? "" : $",\"max_tokens\":{maxTokens}";
        var body = Write($$"""{"messages":[{"role":"user","content":"Think"}],"reasoning_effort":"{{effort}}","temperature":0.3{{limit}}}""");

        Assert.Equal(maxTokens ?? 32_768, body["max_tokens"]!.GetValue<int>());
        Assert.Equal(budget, body["thinking"]?["budget_tokens"]?.GetValue<int>());
        Assert.Equal(budget is null, body["temperature"] is not null); // Anthropic refuses a temperature beside thinking
    }

    [Fact]
    public void ToRequestBody_HubExtraThinking_GoesAsItCame()
    {
        using var document = JsonDocument.Parse("""
            {"prompt":"Think","maxTokens":5000,"reasoningEffort":"high","extra":{"thinking":{"type":"enabled","budget_tokens":2048}}}
            """);
        var call = UpstreamCall.For(StreamRequestParser.Parse(document.RootElement, Limits), "claude", 32_768);

        var body = JsonNode.Parse(call.ToRequestBody("claude-sonnet", Dialect.Anthropic))!;

        Assert.Equal("""{"type":"enabled","budget_tokens":2048}""", body["thinking"]!.ToJsonString());
        Assert.Equal("""[{"role":"user","content":[{"type":"text","text":"Think"}]}]""", body["messages"]!.ToJsonString());
    }

    [Fact]
    public void ToRequestBody_ForcedToolWithEffort_AsksForNoThinking()
    {
        var body = Write("""
            {"messages":[{"role":"user","content":"Go"}],"reasoning_effort":"high",
             "tools":[{"type":"function","function":{"name":"go"}}],"tool_choice":{"type":"function","function":{"name":"go"}}}
            """);

        Assert.Null(body["thinking"]);
        Assert.Equal("""{"type":"tool","name":"go"}""", body["tool_choice"]!.ToJsonString());
    }

    [Fact]
    public void ToRequestBody_ContinuationOfAToolFreeAnswer_MergesNothingItShouldNot()
    {
        var call = new UpstreamCall(
            [new ChatMessage("user", "Tell me"), new ChatMessage("assistant", "Once upon"), new ChatMessage("user", "Continue")], "claude", null, null);

        var body = JsonNode.Parse(call.ToRequestBody("claude", Dialect.Anthropic))!;

        Assert.Equal(["user", "assistant", "user"], body["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Null(body["system"]);
    }

    private static JsonNode Write(string openAiBody)
    {
        using var document = JsonDocument.Parse(openAiBody);
        var call = UpstreamCall.For(StreamRequestParser.Parse(document.RootElement, Limits, RequestShape.OpenAi), "claude", 32_768);
        return JsonNode.Parse(call.ToRequestBody("claude-sonnet", Dialect.Anthropic))!;
    }
}
