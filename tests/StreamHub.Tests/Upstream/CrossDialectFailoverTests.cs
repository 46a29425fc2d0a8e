using System.Net.Http.Headers;
using System.Text.Json;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.Upstream;

/// <summary>
/// One catalog model served by an Anthropic region and an OpenAI-compatible one: a request that the first cannot answer
/// before its first token goes to the other, its conversation, tools and tool results translated, and the caller sees
/// its own front door's format either way.
/// </summary>
public sealed class CrossDialectFailoverTests : IAsyncLifetime
{
    private const string Claude = "claude-sonnet-4.5";
    private EmulatorServer _first = null!;
    private EmulatorServer _second = null!;

    public async Task InitializeAsync()
    {
        _first = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());
        _second = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());
    }

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task Messages_AnthropicRegionOverloaded_OpenAiRegionGetsTheToolConversationTranslated()
    {
        await using var server = await StartAsync(firstDialect: "Anthropic", secondDialect: "OpenAi");
        _first.State.SetScript(["status=529"]);
        using var http = server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("x-api-key", AcmeKey);

        using var response = await http.PostAsync("v1/messages", Json("""
            {"model":"claude-sonnet-4.5","max_tokens":256,"system":"Be brief.","messages":[
               {"role":"user","content":"Nairobi"},
               {"role":"assistant","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Nairobi"}}]},
               {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"Rain, 18 degrees"}]}],
             "tools":[{"name":"get_weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
             "tool_choice":{"type":"auto","disable_parallel_tool_use":true},"metadata":{"user_id":"u-42"},"top_k":5}
            """)).WaitAsync(Waits.Timeout);
        var body = await response.Content.ReadAsStringAsync();

        Assert.True(response.IsSuccessStatusCode, body);
        using var message = JsonDocument.Parse(body);
        Assert.Equal("message", message.RootElement.GetProperty("type").GetString());
        Assert.Contains("\"Rain, 18 degrees\"", message.RootElement.GetProperty("content")[0].GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal("second", response.Headers.GetValues("X-StreamHub-Region").Single());
        Assert.Equal("/v1/messages", Assert.Single(_first.State.GetRequests()).Path);

        var sent = Assert.Single(_second.State.GetRequests());
        Assert.Equal(("/v1/chat/completions", 200, "openai/claude-sonnet-4.5"), (sent.Path, sent.Status, sent.Model));
        Assert.Equal(["system", "user", "assistant", "tool"], sent.Messages.Select(m => m.Role));
        Assert.Equal(new EmulatorToolCall("toolu_1", "get_weather", """{"city":"Nairobi"}"""), Assert.Single(sent.Messages[2].ToolCalls));
        Assert.Equal(("toolu_1", "Rain, 18 degrees"), (sent.Messages[3].ToolCallId, sent.Messages[3].Content));
        Assert.Equal(["get_weather"], sent.Tools);
        var json = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal(("auto", false, "u-42"), (json.GetProperty("tool_choice").GetString(), json.GetProperty("parallel_tool_calls").GetBoolean(), json.GetProperty("user").GetString()));
        Assert.False(json.TryGetProperty("top_k", out _) || json.TryGetProperty("metadata", out _));
    }

    [Fact]
    public async Task ChatCompletions_OpenAiRegionFailing_AnthropicRegionGetsTheToolConversationTranslated()
    {
        await using var server = await StartAsync(firstDialect: "OpenAi", secondDialect: "Anthropic");
        _first.State.SetScript(["status=500"]);
        using var http = Http(server);

        using var response = await http.PostAsync("v1/chat/completions", Json("""
            {"model":"claude-sonnet-4.5","stream":true,"messages":[
               {"role":"developer","content":"Be brief."},
               {"role":"user","content":"Nairobi"},
               {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Nairobi\"}"}}]},
               {"role":"tool","tool_call_id":"call_1","content":"Rain, 18 degrees"}],
             "tools":[{"type":"function","function":{"name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
             "parallel_tool_calls":false,"user":"u-42","seed":7}
            """)).WaitAsync(Waits.Timeout);
        var events = await ReadEventsAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        var text = string.Concat(events.SkipLast(1).Select(e => JsonDocument.Parse(e).RootElement.GetProperty("choices"))
            .Where(c => c.GetArrayLength() > 0 && c[0].GetProperty("delta").TryGetProperty("content", out _))
            .Select(c => c[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Contains("\"Rain, 18 degrees\"", text, StringComparison.Ordinal);

        var sent = Assert.Single(_second.State.GetRequests());
        Assert.Equal(("/v1/messages", 200, "claude-sonnet-4-5"), (sent.Path, sent.Status, sent.Model));
        Assert.Equal("Be brief.", sent.System);
        Assert.Equal(["user", "assistant", "user"], sent.Messages.Select(m => m.Role));
        Assert.Equal(new EmulatorToolCall("call_1", "get_weather", """{"city":"Nairobi"}"""), Assert.Single(sent.Messages[1].ToolCalls));
        Assert.Equal(["tool_result"], sent.Messages[2].PartTypes);
        Assert.Equal("call_1", sent.Messages[2].ToolCallId);
        var json = JsonDocument.Parse(sent.Body).RootElement;
        Assert.Equal("""{"type":"auto","disable_parallel_tool_use":true}""", json.GetProperty("tool_choice").GetRawText());
        Assert.Equal("u-42", json.GetProperty("metadata").GetProperty("user_id").GetString());
        Assert.False(json.TryGetProperty("seed", out _) || json.TryGetProperty("user", out _) || json.TryGetProperty("parallel_tool_calls", out _));
    }

    /// <summary>Region "first" (priority 0) on the first emulator, "second" on the other; each maps <see cref="Claude"/> to its own name.</summary>
    private Task<StreamHubServer> StartAsync(string firstDialect, string secondDialect)
    {
        static string NameIn(string dialect) => dialect == "Anthropic" ? "claude-sonnet-4-5" : "openai/claude-sonnet-4.5";
        return StreamHubServer.StartAsync(Settings(
            ("Upstream:Retry:MaxAttempts", "3"),
            ("Upstream:Model", Claude),
            ("Upstream:Regions:0:Name", "first"),
            ("Upstream:Regions:0:BaseUrl", new Uri(_first.BaseAddress, "v1").ToString()),
            ("Upstream:Regions:0:ApiKey", "sk-first-0123456789abcdef"),
            ("Upstream:Regions:0:Dialect", firstDialect),
            ($"Upstream:Regions:0:Models:{Claude}", NameIn(firstDialect)),
            ("Upstream:Regions:1:Name", "second"),
            ("Upstream:Regions:1:BaseUrl", new Uri(_second.BaseAddress, "v1").ToString()),
            ("Upstream:Regions:1:ApiKey", "sk-second-0123456789abcdef"),
            ("Upstream:Regions:1:Dialect", secondDialect),
            ("Upstream:Regions:1:Priority", "1"),
            ($"Upstream:Regions:1:Models:{Claude}", NameIn(secondDialect))),
            _first);
    }
}
