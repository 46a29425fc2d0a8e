using System.Net;
using System.Text.Json;
using StreamHub.Emulator;
using static StreamHub.Tests.Emulator.OpenAiChunks;

namespace StreamHub.Tests.Emulator;

/// <summary>What the emulator accepts and records, so gateway tests can prove pass-through.</summary>
public sealed class ChatRecordingTests : IAsyncLifetime
{
    private const string FullBody = """
        {"model":"gpt-x","stream":false,"max_completion_tokens":8,"seed":42,"top_p":0.5,"reasoning_effort":"low",
         "stop":["\n\n"],"response_format":{"type":"json_object"},"tool_choice":"auto","x_vendor":{"keep":[1,2]},
         "tools":[{"type":"function","function":{"name":"lookup","parameters":{"type":"object","properties":{}}}}],
         "messages":[
          {"role":"developer","content":"Be exact."},
          {"role":"user","name":"ann","content":[{"type":"text","text":"Look "},{"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}},
            {"type":"input_audio","input_audio":{"data":"AAAA","format":"wav"}},{"type":"file","file":{"file_id":"f1"}},{"type":"x_future","x":1},{"type":"text","text":"here"}]},
          {"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"lookup","arguments":"{}"}}]},
          {"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"found it"}]}]}
        """;

    private EmulatorClient _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorClient.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task ChatCompletions_EveryFieldRoleAndPart_AcceptedAndRecordedVerbatim()
    {
        using var response = await _emulator.PostAsync("v1/chat/completions?api-version=2024-10-21", FullBody, [("X-Trace", "abc"), ("api-key", "k1")]);
        var answer = await EmulatorClient.ReadJsonAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"found it\"", answer.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString(), StringComparison.Ordinal);
        var record = _emulator.Server.State.GetRequests()[^1];
        Assert.Equal(FullBody, record.Body);
        Assert.Equal(("/v1/chat/completions", "?api-version=2024-10-21"), (record.Path, record.Query));
        Assert.Equal(("abc", "k1"), (record.Headers["x-trace"], record.Headers["api-key"]));
        Assert.Equal(8, record.MaxTokens);
        Assert.Equal(["lookup"], record.Tools);
        Assert.Equal(["developer", "user", "assistant", "tool"], record.Messages.Select(m => m.Role));
        Assert.Equal(["text", "image_url", "input_audio", "file", "x_future", "text"], record.Messages[1].PartTypes);
        Assert.Equal(("Look here", "ann"), (record.Messages[1].Content, record.Messages[1].Name));
        Assert.True(record.Messages[2].ContentIsNull);
        Assert.Equal(new EmulatorToolCall("c1", "lookup", "{}"), Assert.Single(record.Messages[2].ToolCalls));
        Assert.Equal("c1", record.Messages[3].ToolCallId);
    }

    [Fact]
    public async Task Requests_ControlEndpoint_ShowsBodyHeadersAndQuery()
    {
        using var first = await _emulator.PostAsync("v1/chat/completions", FullBody, [("X-Trace", "first")]);
        using var second = await _emulator.PostAsync("v1/chat/completions?a=1&b=two", FullBody, [("X-Trace", "xyz")]);

        var log = await _emulator.GetJsonAsync("emulator/requests?path=/v1/chat/completions&last=1");
        var record = Assert.Single(log.EnumerateArray());
        Assert.Equal(FullBody, record.GetProperty("body").GetString());
        Assert.Equal("?a=1&b=two", record.GetProperty("query").GetString());
        Assert.Equal("xyz", record.GetProperty("headers").GetProperty("x-trace").GetString());
        Assert.Equal("POST", record.GetProperty("method").GetString());
        Assert.Equal(200, record.GetProperty("status").GetInt32());
    }

    [Theory]
    [InlineData("""[{"role":"robot","content":"x"}]""", "messages[0].role")]
    [InlineData("""[{"role":"user","content":null}]""", "messages[0].content")]
    [InlineData("""[{"role":"user","content":[{"text":"no type"}]}]""", "messages[0].content")]
    [InlineData("""[{"role":"user","content":"x"},{"role":"tool","tool_call_id":"nope","content":"r"}]""", "messages[1].tool_call_id")]
    [InlineData("""[{"role":"assistant","content":null}]""", "messages[0].content")]
    public async Task ChatCompletions_MalformedChat_400WithParamAndStillRecorded(string messages, string param)
    {
        using var response = await _emulator.PostAsync("v1/chat/completions", $$"""{"model":"m","messages":{{messages}}}""");
        var error = (await EmulatorClient.ReadJsonAsync(response)).GetProperty("error");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(("invalid_request_error", param), (error.GetProperty("type").GetString(), error.GetProperty("param").GetString()));
        Assert.Equal(400, _emulator.Server.State.GetRequests()[^1].Status);
    }

    [Fact]
    public async Task ChatCompletions_StopSequenceInTheAnswer_EndsBeforeIt()
    {
        var full = EmulatorText.Text("stop here", 24);
        var stop = EmulatorText.Tokens("stop here", 24)[5];
        var body = JsonSerializer.Serialize(new { model = "m", stream = true, stop = new[] { "never", stop }, messages = new[] { new { role = "user", content = "stop here" } } });

        using var response = await _emulator.PostAsync("v1/chat/completions", body);
        var chunks = await EmulatorClient.ReadChunksAsync(response);

        Assert.Equal(full[..full.IndexOf(stop, StringComparison.Ordinal)], Text(chunks, "content"));
        Assert.Equal("stop", FinishReason(chunks));
    }

    [Fact]
    public async Task ChatCompletions_NoPassThroughMagic_InvalidJson400Recorded()
    {
        using var response = await _emulator.PostAsync("v1/chat/completions", "{not json");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("{not json", _emulator.Server.State.GetRequests()[^1].Body);
    }
}
