using System.Net.Http.Headers;
using System.Text.Json;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.Anthropic;

/// <summary><c>/v1/messages</c> on the wire: Anthropic's event stream, its whole message, and every failure in its error shape and status.</summary>
public sealed class MessagesHttpTests
{
    private const string AdminKey = "admin-key-0123456789abcdef";

    public static TheoryData<string, string, string, int, string> Failures => new()
    {
        // key, model, prompt or body, status, error.type
        { "not-a-key-0123456789abcdef", "emulator-1", "hi", 401, "authentication_error" },
        { AdminKey, "emulator-1", "hi", 403, "permission_error" },
        { AcmeKey, "emulator-1", "{\"model\":\"emulator-1\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}", 400, "invalid_request_error" },
        { AcmeKey, "emulator-1", "{\"model\":\"emulator-1\",\"max_tokens\":9,\"messages\":[{\"role\":\"tool\",\"content\":\"hi\"}]}", 400, "invalid_request_error" },
        { AcmeKey, "claude-unknown", "hi", 404, "not_found_error" },
        { AcmeKey, "emulator-1", "hi " + new string('x', 5000), 413, "request_too_large" },
        { AcmeKey, "emulator-1", "[emulator: status=529] hi", 529, "overloaded_error" },
        { AcmeKey, "emulator-1", "[emulator: status=429 retry-after=120] hi", 529, "overloaded_error" },
        { AcmeKey, "emulator-1", "[emulator: status=500] hi", 500, "api_error" },
        { AcmeKey, "emulator-1", "[emulator: status=504] hi", 504, "timeout_error" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public async Task Post_Failure_AnthropicErrorShapeAndStatus(string key, string model, string prompt, int status, string type)
    {
        await using var server = await StartAsync();
        using var http = Client(server, key);

        using var response = await http.PostAsync("v1/messages", Json(prompt.StartsWith('{') ? prompt : Body(prompt, model))).WaitAsync(Waits.Timeout);

        Assert.Equal(status, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("error", body.RootElement.GetProperty("type").GetString());
        Assert.Equal(type, body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Matches("^[a-z_]+: ", body.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Post_RateLimited_429WithRetryAfter()
    {
        await using var server = await StartAsync();
        using var http = Client(server, TrickleKey);
        using var first = await http.PostAsync("v1/messages", Json(Body("hi"))).WaitAsync(Waits.Timeout);

        using var second = await http.PostAsync("v1/messages", Json(Body("hi"))).WaitAsync(Waits.Timeout);

        Assert.Equal(200, (int)first.StatusCode);
        Assert.Equal(429, (int)second.StatusCode);
        Assert.NotNull(second.Headers.RetryAfter);
        Assert.Contains("\"type\":\"rate_limit_error\"", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_Streaming_EventsInAnthropicsOrder()
    {
        await using var server = await StartAsync();
        using var http = Client(server, AcmeKey);

        using var response = await http.PostAsync("v1/messages", Json(Body("hello [emulator: cached=4]", stream: true))).WaitAsync(Waits.Timeout);
        var events = await ReadNamedEventsAsync(response);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["message_start", "content_block_start"], events.Take(2).Select(e => e.Name));
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], events.TakeLast(3).Select(e => e.Name));
        var text = string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data.GetProperty("delta").GetProperty("text").GetString()));
        Assert.Equal(EmulatorText.Text("hello", 12), text);
        var delta = events[^2].Data;
        Assert.Equal("end_turn", delta.GetProperty("delta").GetProperty("stop_reason").GetString());
        Assert.Equal((4, 12), (delta.GetProperty("usage").GetProperty("cache_read_input_tokens").GetInt32(), delta.GetProperty("usage").GetProperty("output_tokens").GetInt32()));
        Assert.False(string.IsNullOrEmpty(response.Headers.GetValues("request-id").Single()));
    }

    [Fact]
    public async Task Post_BrokenMidStream_EndsWithAnErrorEvent()
    {
        await using var server = await StartAsync();
        using var http = Client(server, AcmeKey);

        using var response = await http.PostAsync("v1/messages", Json(Body("hello [emulator: drop-after=3]", stream: true))).WaitAsync(Waits.Timeout);
        var events = await ReadNamedEventsAsync(response);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(3, events.Count(e => e.Name == "content_block_delta"));
        var error = events[^1];
        Assert.Equal("error", error.Name);
        Assert.Equal("api_error", error.Data.GetProperty("error").GetProperty("type").GetString());
        Assert.StartsWith("upstream_interrupted: ", error.Data.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NotStreaming_OneMessageWithToolUseAndUsage()
    {
        await using var server = await StartAsync();
        using var http = Client(server, AcmeKey);

        using var response = await http.PostAsync("v1/messages", Json("""
            {"model":"emulator-1","max_tokens":64,"messages":[{"role":"user","content":"Nairobi"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}
            """)).WaitAsync(Waits.Timeout);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var message = body.RootElement;
        Assert.Equal(("message", "assistant", "tool_use"), (message.GetProperty("type").GetString(), message.GetProperty("role").GetString(), message.GetProperty("stop_reason").GetString()));
        var use = message.GetProperty("content").EnumerateArray().Single(b => b.GetProperty("type").GetString() == "tool_use");
        Assert.Equal(("get_weather", "Nairobi"), (use.GetProperty("name").GetString(), use.GetProperty("input").GetProperty("city").GetString()));
        Assert.True(message.GetProperty("usage").GetProperty("output_tokens").GetInt32() > 0);
        var sent = server.Emulator.State.GetRequests()[^1];
        Assert.Equal(["get_weather"], sent.Tools);
    }

    private static Task<StreamHubServer> StartAsync() => AnthropicTestKit.StartAsync(
        "Anthropic",
        ("Admin:ApiKey", AdminKey),
        ("Upstream:Regions:0:Models:emulator-1", "emulator-1"),
        ("Streaming:MaxRequestBytes", "4096"));

    private static HttpClient Client(StreamHubServer server, string key)
    {
        var http = server.CreateHttpClient();
        http.DefaultRequestHeaders.Add("x-api-key", key);
        http.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return http;
    }

    private static string Body(string prompt, string model = "emulator-1", bool stream = false) => JsonSerializer.Serialize(new
    {
        model,
        max_tokens = 12,
        stream,
        messages = new[] { new { role = "user", content = prompt } },
    });

    private static async Task<List<(string Name, JsonElement Data)>> ReadNamedEventsAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Waits.Timeout);
        var events = new List<(string, JsonElement)>();
        foreach (var block in text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = block.Split('\n');
            Assert.StartsWith("event: ", lines[0], StringComparison.Ordinal);
            Assert.StartsWith("data: ", lines[1], StringComparison.Ordinal);
            events.Add((lines[0]["event: ".Length..], JsonDocument.Parse(lines[1]["data: ".Length..]).RootElement.Clone()));
        }

        return events;
    }
}
