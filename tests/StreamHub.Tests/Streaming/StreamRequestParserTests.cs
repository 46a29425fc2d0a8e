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
    [InlineData("""{"messages":[{"role":"tool","content":"x"}]}""", "role")]
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

    private static CompletionRequest Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return StreamRequestParser.Parse(document.RootElement.Clone(), Limits);
    }
}
