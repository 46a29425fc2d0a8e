using System.ComponentModel;
using System.Text.Json;
using Microsoft.Extensions.AI;
using StreamHub.Client;

namespace StreamHub.Tests.Client;

/// <summary>ChatOptions and Microsoft.Extensions.AI messages as the hub's StreamRequest, seen as the JSON it sends.</summary>
public sealed class RequestBuilderTests
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly StreamHubClientOptions Client = new() { Url = new Uri("http://127.0.0.1/hubs/stream"), ModelId = "default-model", Priority = "high", Group = "ops" };

    [Fact]
    public void Build_ChatOptions_MapToTheHubsFields()
    {
        var options = new ChatOptions
        {
            ModelId = "gpt-x",
            Temperature = 0.7f,
            TopP = 0.9f,
            MaxOutputTokens = 64,
            Seed = 42,
            StopSequences = ["END", "STOP"],
            Reasoning = new ReasoningOptions { Effort = ReasoningEffort.Low },
            FrequencyPenalty = 0.5f,
            TopK = 3,
            AdditionalProperties = new() { ["priority"] = "low", ["user"] = "u-1", ["metadata"] = new Dictionary<string, string> { ["k"] = "v" } },
        };

        var json = Json(RequestBuilder.Build([new ChatMessage(ChatRole.User, "hi")], options, Client, "r1", resumable: true));

        Assert.Equal("r1", json.GetProperty("requestId").GetString());
        Assert.True(json.GetProperty("resumable").GetBoolean());
        Assert.Equal("gpt-x", json.GetProperty("model").GetString());
        Assert.Equal(0.7, json.GetProperty("temperature").GetDouble());
        Assert.Equal(0.9, json.GetProperty("topP").GetDouble());
        Assert.Equal(64, json.GetProperty("maxTokens").GetInt32());
        Assert.Equal(42, json.GetProperty("seed").GetInt32());
        Assert.Equal("""["END","STOP"]""", json.GetProperty("stop").GetRawText());
        Assert.Equal("low", json.GetProperty("reasoningEffort").GetString());
        Assert.Equal("low", json.GetProperty("priority").GetString());
        Assert.Equal("ops", json.GetProperty("group").GetString());
        var extra = json.GetProperty("extra");
        Assert.Equal("""{"frequency_penalty":0.5,"top_k":3,"user":"u-1","metadata":{"k":"v"}}""", extra.GetRawText());
        Assert.False(json.TryGetProperty("tools", out _));
    }

    [Fact]
    public void Build_NoOptions_UsesTheClientsDefaultsAndSendsNothingElse()
    {
        var json = Json(RequestBuilder.Build([new ChatMessage(ChatRole.User, "hi")], null, Client, "r2", resumable: false));

        Assert.Equal(
            """{"requestId":"r2","messages":[{"role":"user","content":"hi"}],"model":"default-model","priority":"high","group":"ops"}""",
            json.GetRawText());
    }

    [Fact]
    public void Build_Tools_AreOpenAiFunctionToolsWithTheirSchemaAndToolChoice()
    {
        var weather = AIFunctionFactory.Create(([Description("The city")] string city) => "sunny", "get_weather", "Current weather");
        var options = new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireSpecific("get_weather"), AllowMultipleToolCalls = false };

        var json = Json(RequestBuilder.Build([new ChatMessage(ChatRole.User, "hi")], options, Client, "r3", true));

        var function = json.GetProperty("tools")[0];
        Assert.Equal("function", function.GetProperty("type").GetString());
        Assert.Equal("get_weather", function.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Current weather", function.GetProperty("function").GetProperty("description").GetString());
        var parameters = function.GetProperty("function").GetProperty("parameters");
        Assert.Equal("string", parameters.GetProperty("properties").GetProperty("city").GetProperty("type").GetString());
        Assert.Equal("The city", parameters.GetProperty("properties").GetProperty("city").GetProperty("description").GetString());
        Assert.Equal("""{"type":"function","function":{"name":"get_weather"}}""", json.GetProperty("toolChoice").GetRawText());
        Assert.False(json.GetProperty("extra").GetProperty("parallel_tool_calls").GetBoolean());
    }

    [Theory]
    [InlineData("auto", "\"auto\"")]
    [InlineData("none", "\"none\"")]
    [InlineData("any", "\"required\"")]
    public void Build_ToolMode_IsToolChoice(string mode, string expected)
    {
        var options = new ChatOptions
        {
            Tools = [AIFunctionFactory.Create(() => 1, "one")],
            ToolMode = mode switch { "auto" => ChatToolMode.Auto, "none" => ChatToolMode.None, _ => ChatToolMode.RequireAny },
        };

        var json = Json(RequestBuilder.Build([new ChatMessage(ChatRole.User, "hi")], options, Client, "r4", true));

        Assert.Equal(expected, json.GetProperty("toolChoice").GetRawText());
    }

    [Fact]
    public void Build_ResponseFormat_JsonSchemaJsonObjectAndText()
    {
        var schema = JsonDocument.Parse("""{"type":"object","properties":{"a":{"type":"integer"}}}""").RootElement;

        string Format(ChatResponseFormat format)
            => Json(RequestBuilder.Build([new ChatMessage(ChatRole.User, "hi")], new ChatOptions { ResponseFormat = format }, Client, "r5", true)).GetProperty("responseFormat").GetRawText();

        Assert.Equal(
            """{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object","properties":{"a":{"type":"integer"}}},"description":"An answer"}}""",
            Format(ChatResponseFormat.ForJsonSchema(schema, "answer", "An answer")));
        Assert.Equal("""{"type":"json_object"}""", Format(ChatResponseFormat.Json));
        Assert.Equal("""{"type":"text"}""", Format(ChatResponseFormat.Text));
    }

    [Fact]
    public void Build_ConversationWithImagesToolCallsAndResults_MapsEveryMessage()
    {
        ChatMessage[] messages =
        [
            new(ChatRole.System, "be brief"),
            new(ChatRole.User, [new TextContent("what is "), new TextContent("this?"), new UriContent("https://example.test/cat.png", "image/png"), new DataContent(new byte[] { 1, 2, 3 }, "image/jpeg")]),
            new(ChatRole.Assistant, [new TextReasoningContent("thinking"), new FunctionCallContent("call_1", "lookup", new Dictionary<string, object?> { ["q"] = "cat" })]),
            new(ChatRole.Tool, [new FunctionResultContent("call_1", "a cat"), new FunctionResultContent("call_2", new { legs = 4 })]),
            new(new ChatRole("developer"), "more rules") { AuthorName = "ops" },
        ];

        var json = Json(RequestBuilder.Build(messages, new ChatOptions { Instructions = "first" }, Client, "r6", true)).GetProperty("messages");

        Assert.Equal(
            """
            [{"role":"system","content":"first"},{"role":"system","content":"be brief"},{"role":"user","content":[{"type":"text","text":"what is "},{"type":"text","text":"this?"},{"type":"image_url","image_url":{"url":"https://example.test/cat.png"}},{"type":"image_url","image_url":{"url":"data:image/jpeg;base64,AQID"}}]},{"role":"assistant","content":null,"toolCalls":[{"id":"call_1","type":"function","function":{"name":"lookup","arguments":"{\u0022q\u0022:\u0022cat\u0022}"}}]},{"role":"tool","toolCallId":"call_1","content":"a cat"},{"role":"tool","toolCallId":"call_2","content":"{\u0022legs\u0022:4}"},{"role":"developer","content":"more rules","name":"ops"}]
            """,
            json.GetRawText());
    }

    [Fact]
    public void Build_RequestIdAndGroupFromAdditionalProperties_AreHubFieldsNotExtra()
    {
        var options = new ChatOptions { AdditionalProperties = new() { ["requestId"] = "mine-1", ["group"] = "war-room" } };

        var json = Json(RequestBuilder.Build([new ChatMessage(ChatRole.User, "hi")], options, Client, RequestBuilder.RequestId(options)!, true));

        Assert.Equal("mine-1", json.GetProperty("requestId").GetString());
        Assert.Equal("war-room", json.GetProperty("group").GetString());
        Assert.False(json.TryGetProperty("extra", out _));
    }

    /// <summary>The request as the JSON hub protocol writes it (camelCase web defaults).</summary>
    private static JsonElement Json(Dictionary<string, object?> request)
        => JsonSerializer.SerializeToElement(request, Web);
}
