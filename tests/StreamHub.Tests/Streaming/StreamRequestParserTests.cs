using System.Text.Json;
using StreamHub.Contracts;
using StreamHub.Streaming;

namespace StreamHub.Tests.Streaming;

public sealed class StreamRequestParserTests
{
    private static readonly StreamingOptions Limits = new() { MaxInputChars = 1000, MaxMessages = 5, MaxTokensLimit = 4096 };

    [Fact]
    public void Parse_Prompt_BecomesOneUserMessage()
    {
        var request = Parse("""{"prompt":"Hi","priority":"HIGH","maxTokens":10,"temperature":0.5,"requestId":"abc_1"}""");
        Assert.Equal("abc_1", request.RequestId);
        Assert.Single(request.Messages);
        Assert.Equal("user", request.Messages[0].Role);
        Assert.Equal(Priority.High, request.Priority);
        Assert.Equal(10, request.MaxTokens);
    }

    [Fact]
    public void Parse_NoRequestId_MakesOne()
    {
        var request = Parse("""{"messages":[{"role":"system","content":"Be brief"},{"role":"user","content":"Hi"}]}""");
        Assert.Matches("^[A-Za-z0-9_-]{1,64}$", request.RequestId);
        Assert.Equal(2, request.Messages.Count);
    }

    [Theory]
    [InlineData("42", "JSON object")]
    [InlineData("\"hello\"", "JSON object")]
    [InlineData("{}", "messages")]
    [InlineData("""{"prompt":"a","messages":[{"role":"user","content":"b"}]}""", "not both")]
    [InlineData("""{"prompt":"   "}""", "prompt must not be empty")]
    [InlineData("""{"messages":[{"role":"user","content":""}]}""", "content")]
    [InlineData("""{"messages":[{"role":"tool","content":"x"}]}""", "messages[0].toolCallId must be a non-empty string")]
    [InlineData("""{"messages":[{"role":"robot","content":"x"}]}""", "messages[0].role must be system, developer, user, assistant or tool")]
    [InlineData("""{"messages":[]}""", "must not be empty")]
    [InlineData("""{"prompt":"a","priority":"urgent"}""", "priority")]
    [InlineData("""{"prompt":"a","maxTokens":0}""", "maxTokens")]
    [InlineData("""{"prompt":"a","maxTokens":"10"}""", "maxTokens")]
    [InlineData("""{"prompt":"a","maxTokens":5000}""", "maxTokens")]
    [InlineData("""{"prompt":"a","temperature":2.5}""", "temperature")]
    [InlineData("""{"prompt":"a","requestId":"bad id!"}""", "requestId")]
    [InlineData("""{"prompt":"a","requestId":""}""", "requestId")]
    [InlineData("""{"prompt":"a","group":"no spaces"}""", "group")]
    [InlineData("""{"prompt":"a","resumable":"yes"}""", "resumable")]
    [InlineData("""{"prompt":7}""", "prompt must be a string")]
    public void Parse_Invalid_ThrowsInvalidRequest(string json, string mentions)
    {
        var ex = Assert.Throws<StreamHubException>(() => Parse(json));
        Assert.Equal(ErrorCodes.InvalidRequest, ex.Code);
        Assert.Contains(mentions, ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("invalid_request: ", ex.ToWireMessage(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OverInputLimit_SaysTheLimit()
    {
        var ex = Assert.Throws<StreamHubException>(() => Parse($$"""{"prompt":"{{new string('x', 1001)}}"}"""));
        Assert.Contains("limit is 1000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TooManyMessages_SaysTheLimit()
    {
        var items = string.Join(',', Enumerable.Repeat("""{"role":"user","content":"x"}""", 6));
        var ex = Assert.Throws<StreamHubException>(() => Parse($$"""{"messages":[{{items}}]}"""));
        Assert.Contains("limit is 5", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ToolLoopTurn_KeepsToolCallsAndTheResult()
    {
        var request = Parse("""
            {"messages":[
              {"role":"developer","content":"Answer in French"},
              {"role":"user","content":"Weather in Paris?"},
              {"role":"assistant","content":null,"toolCalls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
              {"role":"tool","toolCallId":"call_1","content":"Rain, 18 degrees","name":"get_weather"}]}
            """);

        Assert.Equal(["developer", "user", "assistant", "tool"], request.Messages.Select(m => m.Role));
        var assistant = request.Messages[2];
        Assert.Null(assistant.Content);
        var call = Assert.Single(assistant.ToolCalls!);
        Assert.Equal(("call_1", "function", "get_weather", """{"city":"Paris"}"""), (call.Id, call.Type, call.Function!.Name, call.Function.Arguments));
        Assert.Null(call.Json); // a hub call is written again in OpenAI's names
        Assert.Equal(("call_1", "Rain, 18 degrees", "get_weather"), (request.Messages[3].ToolCallId, request.Messages[3].Content, request.Messages[3].Name));
    }

    [Fact]
    public void Parse_ContentParts_ReadsTextAndImagesAndKeepsEveryPartAsItCame()
    {
        var request = Parse("""
            {"messages":[{"role":"user","content":[
              {"type":"text","text":"What is in this picture?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}},
              {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
              {"type":"hologram","hologram":{"depth":3}}]}]}
            """);

        var parts = request.Messages[0].Parts!;
        Assert.Null(request.Messages[0].Content);
        Assert.Equal(["text", "image_url", "input_audio", "hologram"], parts.Select(p => p.Type));
        Assert.Equal("What is in this picture?", parts[0].Text);
        Assert.Equal(("data:image/png;base64,iVBORw0KGgo=", "low"), (parts[1].ImageUrl, parts[1].ImageDetail));
        Assert.Equal("""{"type":"hologram","hologram":{"depth":3}}""", parts[3].Json.GetRawText());
    }

    [Fact]
    public void Parse_HubOptions_ReadUnderTheirCamelCaseNames()
    {
        var request = Parse("""
            {"prompt":"Hi","tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object"}}}],
             "toolChoice":"required","responseFormat":{"type":"json_object"},"stop":["END"],"seed":42,"topP":0.5,
             "reasoningEffort":"low","extra":{"user":"u-42","logit_bias":{"50256":-100}},"surprise":true}
            """);

        var options = request.Options;
        Assert.Equal("get_weather", options.Tools!.Value[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("required", options.ToolChoice!.Value.GetString());
        Assert.Equal("json_object", options.ResponseFormat!.Value.GetProperty("type").GetString());
        Assert.Equal("END", options.Stop!.Value[0].GetString());
        Assert.Equal((42L, 0.5, "low"), (options.Seed, options.TopP, options.ReasoningEffort));
        Assert.Equal(["user", "logit_bias"], options.Extra.Keys); // unknown hub fields ("surprise") are ignored
        Assert.Equal("max_tokens", options.MaxTokensName);
    }

    [Fact]
    public void Parse_OpenAiBody_ForwardsWhatItDoesNotOwnUnderTheCallersNames()
    {
        var request = ParseOpenAi("""
            {"model":"m","messages":[{"role":"assistant","content":"","reasoning_content":"thought","tool_calls":[
               {"id":"c1","type":"function","function":{"name":"f","arguments":"{}"},"extra_content":{"sig":"x"}}]}],
             "stream":true,"stream_options":{"include_usage":true},"max_completion_tokens":9,"request_id":"r-1","group":"g",
             "tool_choice":{"type":"function","function":{"name":"f"}},"top_p":1,"user":"u-1","logprobs":null,"n":1,"metadata":{"a":"b"}}
            """);

        Assert.Equal((9, "max_completion_tokens"), (request.MaxTokens, request.Options.MaxTokensName));
        Assert.Equal(["user", "logprobs", "n", "metadata"], request.Options.Extra.Keys);
        Assert.Equal(JsonValueKind.Null, request.Options.Extra["logprobs"].ValueKind);
        var assistant = request.Messages[0];
        Assert.Equal(["reasoning_content"], assistant.Extra!.Keys);
        Assert.Contains("extra_content", assistant.ToolCalls![0].Json!.Value.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MaxTokensOnV1_KeepsThatName()
        => Assert.Equal("max_tokens", ParseOpenAi("""{"messages":[{"role":"user","content":"x"}],"max_tokens":5}""").Options.MaxTokensName);

    public static TheoryData<string, string> InvalidHubShapes => new()
    {
        { """{"messages":[{"role":"user"}]}""", "messages[0].content must be a non-empty string or an array of parts" },
        { """{"messages":[{"role":"assistant","content":null}]}""", "messages[0].content must be a string or an array of parts (null only beside toolCalls)" },
        { """{"messages":[{"role":"user","content":7}]}""", "messages[0].content must be a string, an array of parts or null" },
        { """{"messages":[{"role":"user","content":[]}]}""", "messages[0].content must not be an empty array" },
        { """{"messages":[{"role":"user","content":["hi"]}]}""", "messages[0].content[0] must be an object with a string type" },
        { """{"messages":[{"role":"user","content":[{"text":"hi"}]}]}""", "messages[0].content[0] must be an object with a string type" },
        { """{"messages":[{"role":"user","content":[{"type":"text","text":1}]}]}""", "messages[0].content[0].text must be a string" },
        { """{"messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://x/y.png"}]}]}""", "messages[0].content[0].image_url must be an object with a string url" },
        { """{"messages":[{"role":"user","content":[{"type":"input_audio"}]}]}""", "messages[0].content[0].input_audio must be an object" },
        { """{"messages":[{"role":"user","content":[{"type":"file","file":"abc"}]}]}""", "messages[0].content[0].file must be an object" },
        { """{"messages":[{"role":"user","content":"x","toolCalls":[]}]}""", "messages[0].toolCalls belongs on an assistant message only" },
        { """{"messages":[{"role":"assistant","toolCalls":{}}]}""", "messages[0].toolCalls must be an array of tool calls" },
        { """{"messages":[{"role":"assistant","toolCalls":["c1"]}]}""", "messages[0].toolCalls[0] must be an object" },
        { """{"messages":[{"role":"assistant","toolCalls":[{"function":{"name":"f","arguments":"{}"}}]}]}""", "messages[0].toolCalls[0].id must be a string" },
        { """{"messages":[{"role":"assistant","toolCalls":[{"id":"","function":{"name":"f","arguments":"{}"}}]}]}""", "messages[0].toolCalls[0].id must not be empty" },
        { """{"messages":[{"role":"assistant","toolCalls":[{"id":"c","type":7}]}]}""", "messages[0].toolCalls[0].type must be a string" },
        { """{"messages":[{"role":"assistant","toolCalls":[{"id":"c"}]}]}""", "messages[0].toolCalls[0].function must be an object with name and arguments" },
        { """{"messages":[{"role":"assistant","toolCalls":[{"id":"c","function":{"name":3,"arguments":"{}"}}]}]}""", "messages[0].toolCalls[0].function.name must be a string" },
        { """{"messages":[{"role":"assistant","toolCalls":[{"id":"c","function":{"name":"f","arguments":{}}}]}]}""", "messages[0].toolCalls[0].function.arguments must be a string" },
        { """{"messages":[{"role":"tool","toolCallId":5,"content":"x"}]}""", "messages[0].toolCallId must be a string" },
        { """{"messages":[{"role":"user","content":"x","name":5}]}""", "messages[0].name must be a string" },
        { """{"messages":[{"role":"user","content":"x"},7]}""", "messages[1] must be an object" },
        { """{"prompt":"a","tools":{}}""", "tools must be an array" },
        { """{"prompt":"a","tools":[{"function":{"name":"f"}}]}""", "tools[0] must be an object with a string type" },
        { """{"prompt":"a","tools":[{"type":"function"}]}""", "tools[0].function must be an object with a name" },
        { """{"prompt":"a","tools":[{"type":"function","function":{"name":""}}]}""", "tools[0].function.name must be a non-empty string" },
        { """{"prompt":"a","tools":[{"type":"function","function":{"name":"f","parameters":"{}"}}]}""", "tools[0].function.parameters must be an object" },
        { """{"prompt":"a","toolChoice":3}""", "toolChoice must be none, auto, required or an object" },
        { """{"prompt":"a","toolChoice":{"function":{"name":"f"}}}""", "toolChoice must be an object with a string type" },
        { """{"prompt":"a","responseFormat":"json"}""", "responseFormat must be an object with a string type" },
        { """{"prompt":"a","stop":5}""", "stop must be a string or an array of strings" },
        { """{"prompt":"a","stop":["a",5]}""", "stop[1] must be a string" },
        { """{"prompt":"a","seed":1.5}""", "seed must be a whole number" },
        { """{"prompt":"a","topP":1.5}""", "topP must be a number from 0 to 1" },
        { """{"prompt":"a","reasoningEffort":1}""", "reasoningEffort must be a string" },
        { """{"prompt":"a","extra":[]}""", "extra must be an object" },
        { """{"prompt":"a","extra":{"model":"x"}}""", "extra.model is set by StreamHub" },
        { """{"prompt":"a","extra":{"messages":[]}}""", "extra.messages is set by StreamHub" },
        { """{"prompt":"a","extra":{"stream":false}}""", "extra.stream is set by StreamHub" },
        { """{"prompt":"a","extra":{"stream_options":{}}}""", "extra.stream_options is set by StreamHub" },
        { """{"prompt":"a","extra":{"max_tokens":5}}""", "extra.max_tokens is set by StreamHub" },
        { """{"prompt":"a","extra":{"max_completion_tokens":5}}""", "extra.max_completion_tokens is set by StreamHub" },
        { """{"prompt":"a","extra":{"top_p":0.5}}""", "extra.top_p has a request field of its own: send topP" },
        { """{"prompt":"a","extra":{"n":2}}""", "extra.n must be 1" },
    };

    [Theory]
    [MemberData(nameof(InvalidHubShapes))]
    public void Parse_MalformedHubShape_SentenceNamesTheField(string json, string sentence)
    {
        var ex = Assert.Throws<StreamHubException>(() => Parse(json));
        Assert.Equal(ErrorCodes.InvalidRequest, ex.Code);
        Assert.StartsWith(sentence, ex.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, string> InvalidOpenAiShapes => new()
    {
        { """{"messages":[{"role":"user","content":"x"},{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":null}}]}]}""",
            "messages[1].tool_calls[1].function.name must be a string" },
        { """{"messages":[{"role":"assistant","content":null}]}""", "messages[0].content must be a string or an array of parts (null only beside tool_calls)" },
        { """{"messages":[{"role":"tool","content":"x"}]}""", "messages[0].tool_call_id must be a non-empty string" },
        { """{"messages":[{"role":"tool","content":null,"tool_call_id":"a"}]}""", "messages[0].content must be a string or an array of parts: the tool's result" },
        { """{"messages":[{"role":"user","content":"x"}],"max_completion_tokens":0}""", "max_completion_tokens must be a whole number" },
        { """{"messages":[{"role":"user","content":"x"}],"top_p":-1}""", "top_p must be a number from 0 to 1" },
        { """{"messages":[{"role":"user","content":"x"}],"tool_choice":[]}""", "tool_choice must be none, auto, required or an object" },
        { """{"messages":[{"role":"user","content":"x"}],"response_format":{}}""", "response_format must be an object with a string type" },
        { """{"messages":[{"role":"user","content":"x"}],"reasoning_effort":""}""", "reasoning_effort must be a string" },
    };

    [Theory]
    [MemberData(nameof(InvalidOpenAiShapes))]
    public void Parse_MalformedOpenAiShape_SentenceNamesTheFieldAsSpelled(string json, string sentence)
    {
        var ex = Assert.Throws<StreamHubException>(() => ParseOpenAi(json));
        Assert.Equal(ErrorCodes.InvalidRequest, ex.Code);
        Assert.StartsWith(sentence, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ImagePartOverInputLimit_CountsItsJson()
    {
        var image = $$$"""{"type":"image_url","image_url":{"url":"data:image/png;base64,{{{new string('A', 960)}}}"}}""";

        var ex = Assert.Throws<StreamHubException>(() => Parse($$"""{"messages":[{"role":"user","content":[{"type":"text","text":"describe"},{{image}}]}]}"""));

        Assert.Contains($"holds {8 + image.Length} characters; the limit is 1000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_TextParts_CountTheirText()
    {
        var text = $$"""{"type":"text","text":"{{new string('x', 500)}}"}""";

        var request = Parse($$"""{"messages":[{"role":"user","content":[{{text}},{{text}}]}]}""");

        Assert.Equal(1000, request.InputChars);
    }

    [Fact]
    public void Parse_ToolsAndToolCalls_CountAsInput()
    {
        var tools = """[{"type":"function","function":{"name":"f"}}]""";

        var request = Parse($$$"""
            {"tools":{{{tools}}},"messages":[{"role":"user","content":"abc"},
             {"role":"assistant","toolCalls":[{"id":"c","function":{"name":"f","arguments":"{}"}}]}]}
            """);

        Assert.Equal(tools.Length + 3 + 1 + 2, request.InputChars);
    }

    private static CompletionRequest Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return StreamRequestParser.Parse(document.RootElement.Clone(), Limits);
    }

    /// <summary>Parsed from a document disposed right after, as <c>OpenAiBody</c> does: what is kept must outlive it.</summary>
    private static CompletionRequest ParseOpenAi(string json)
    {
        using var document = JsonDocument.Parse(json);
        return StreamRequestParser.Parse(document.RootElement, Limits, RequestShape.OpenAi);
    }
}
