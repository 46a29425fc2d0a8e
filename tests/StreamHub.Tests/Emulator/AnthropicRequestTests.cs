using System.Net;
using static StreamHub.Tests.Emulator.AnthropicWire;

namespace StreamHub.Tests.Emulator;

/// <summary>What <c>/v1/messages</c> accepts, records and refuses, in Anthropic's error shape.</summary>
public sealed class AnthropicRequestTests
{
    private const string FullBody = """
        {"model":"claude-emulated","max_tokens":64,"stream":false,"metadata":{"user_id":"u1"},"stop_sequences":["\n\nHuman:"],
         "system":[{"type":"text","text":"Be exact.","cache_control":{"type":"ephemeral"}}],
         "tools":[{"name":"look","description":"d","input_schema":{"type":"object","properties":{}}},{"type":"web_search_20250305","name":"web_search"}],
         "tool_choice":{"type":"auto"},
         "messages":[
          {"role":"user","content":[{"type":"text","text":"Look "},{"type":"image","source":{"type":"base64","media_type":"image/png","data":"AAAA"}},
            {"type":"image","source":{"type":"url","url":"https://example.com/a.png"}},{"type":"text","text":"here"}]},
          {"role":"assistant","content":[{"type":"text","text":"Looking."},{"type":"tool_use","id":"toolu_1","name":"look","input":{}}]},
          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":[{"type":"text","text":"a cat"}]}]}]}
        """;

    [Fact]
    public async Task Messages_FullRequest_AcceptedAndRecordedVerbatim()
    {
        await using var emulator = await EmulatorClient.StartAsync();

        using var response = await PostAsync(emulator, FullBody);
        var message = await EmulatorClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"a cat\"", message.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        var record = emulator.Server.State.GetRequests()[^1];
        Assert.Equal((FullBody, "/v1/messages"), (record.Body, record.Path));
        Assert.Equal(("Be exact.", 64), (record.System, record.MaxTokens));
        Assert.Equal(["look", "web_search"], record.Tools);
        Assert.Equal(["text", "image", "image", "text"], record.Messages[0].PartTypes);
        Assert.Equal("Look here", record.Messages[0].Content);
        Assert.Equal("look", Assert.Single(record.Messages[1].ToolCalls).Name);
        Assert.Equal(("toolu_1", "a cat"), (record.Messages[2].ToolCallId, record.Messages[2].Content));
        Assert.Equal("2023-06-01", record.Headers["anthropic-version"]);
    }

    [Theory]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"max_tokens":5,"messages":[{"role":"user","content":"hi"}]}""", "model")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[]}""", "messages")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"robot","content":"hi"}]}""", "role")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64"}}]}]}""", "media_type")]
    [InlineData("""{"model":"m","max_tokens":5,"tools":[{"name":"t"}],"messages":[{"role":"user","content":"hi"}]}""", "input_schema")]
    [InlineData("""{"model":"m","max_tokens":2000,"thinking":{"type":"enabled","budget_tokens":100},"messages":[{"role":"user","content":"hi"}]}""", "budget_tokens")]
    [InlineData("""{"model":"m","max_tokens":1500,"thinking":{"type":"enabled","budget_tokens":2000},"messages":[{"role":"user","content":"hi"}]}""", "max_tokens")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"t","input":{}}]},{"role":"user","content":"no result"}]}""", "tool_result")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"},{"role":"assistant","content":"ok"},{"role":"user","content":[{"type":"tool_result","tool_use_id":"zz","content":"r"}]}]}""", "tool_use_id")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"text":"typeless"}]}]}""", "type")]
    public async Task Messages_Malformed_400InvalidRequestNamingTheField(string body, string field)
    {
        await using var emulator = await EmulatorClient.StartAsync();

        using var response = await PostAsync(emulator, body);
        var error = await EmulatorClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("error", error.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(field, error.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null, "2023-06-01", HttpStatusCode.Unauthorized, "authentication_error")]
    [InlineData("sk-ant-test", null, HttpStatusCode.BadRequest, "invalid_request_error")]
    [InlineData("wrong-key", "2023-06-01", HttpStatusCode.Unauthorized, "authentication_error")]
    public async Task Messages_MissingOrWrongCredentials_RefusedInAnthropicShape(string? key, string? version, HttpStatusCode status, string type)
    {
        await using var emulator = await EmulatorClient.StartAsync(o => o.RequireHeaders["x-api-key"] = "sk-ant-test");
        var headers = new List<(string, string)>();
        if (key is not null)
        {
            headers.Add(("x-api-key", key));
        }

        if (version is not null)
        {
            headers.Add(("anthropic-version", version));
        }

        using var response = await PostAsync(emulator, Body("hi"), headers);
        var error = await EmulatorClient.ReadJsonAsync(response);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal(type, error.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal((int)status, emulator.Server.State.GetRequests()[^1].Status);
    }

    [Fact]
    public async Task Messages_ModelNotServed_404NotFoundError()
    {
        await using var emulator = await EmulatorClient.StartAsync(o => o.Models = ["claude-sonnet-4-5"]);

        using var known = await PostAsync(emulator, Body("hi", stream: false).Replace("claude-emulated", "claude-sonnet-4-5", StringComparison.Ordinal));
        using var unknown = await PostAsync(emulator, Body("hi", stream: false));
        var error = await EmulatorClient.ReadJsonAsync(unknown);

        Assert.Equal(HttpStatusCode.OK, known.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("not_found_error", error.GetProperty("error").GetProperty("type").GetString());
    }
}
