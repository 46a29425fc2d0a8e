using System.Net;
using System.Text.Json;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary><c>/v1/chat/completions</c> on the wire: event shapes, headers, status codes, error events.</summary>
public sealed class ChatCompletionsHttpTests(OpenAiServer shared) : IClassFixture<OpenAiServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Post_ClientDisposesMidStream_UpstreamRequestEnds()
    {
        // HttpClient drains an unfinished response for up to 2 s to reuse the connection unless told not to;
        // a browser or a cancelled read closes it at once, which is what this models.
        using var http = Http(_server, handler: new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json($$"""{"model":"emulator-1","stream":true,"messages":[{"role":"user","content":"{{Slow}}"}]}"""),
        };
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(StreamHubServer.Timeout);
        var body = await response.Content.ReadAsStreamAsync().WaitAsync(StreamHubServer.Timeout);
        var buffer = new byte[64];
        await body.ReadAtLeastAsync(buffer, 64).AsTask().WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(1, _server.Emulator.State.OpenStreams);

        response.Dispose();

        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Post_StreamWithUsage_SendsRoleTokensFinishUsageAndDone()
    {
        using var http = Http(_server);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json("""{"model":"emulator-1","stream":true,"stream_options":{"include_usage":true},"max_tokens":5,"messages":[{"role":"user","content":"rivers"}]}"""),
        };
        request.Headers.Add("X-Request-Id", "wire-1");
        request.Headers.AcceptEncoding.ParseAdd("gzip, br");

        using var response = await http.SendAsync(request).WaitAsync(StreamHubServer.Timeout);
        var events = await ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.CacheControl?.NoCache);
        Assert.Equal("no", Assert.Single(response.Headers.GetValues("X-Accel-Buffering")));
        Assert.Empty(response.Content.Headers.ContentEncoding);
        Assert.Equal("wire-1", Assert.Single(response.Headers.GetValues("X-Request-Id")));
        Assert.Equal("primary", Assert.Single(response.Headers.GetValues("X-StreamHub-Region")));
        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        Assert.All(chunks, c =>
        {
            Assert.Equal("chatcmpl-wire-1", c.GetProperty("id").GetString());
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.Equal("emulator-1", c.GetProperty("model").GetString());
            Assert.True(c.GetProperty("created").GetInt64() > 1_700_000_000);
        });
        Assert.Equal("assistant", chunks[0].GetProperty("choices")[0].GetProperty("delta").GetProperty("role").GetString());
        var text = string.Concat(chunks.Skip(1).Take(5).Select(c => c.GetProperty("choices")[0].GetProperty("delta").GetProperty("content").GetString()));
        Assert.Equal(EmulatorText.Text("rivers", 5), text);
        Assert.Equal("stop", chunks[6].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[7].GetProperty("choices").GetArrayLength());
        Assert.Equal(5, chunks[7].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(8, chunks.Count);
    }

    [Fact]
    public async Task Post_StreamWithoutIncludeUsage_SendsNoUsageChunk()
    {
        using var http = Http(_server);
        using var response = await http.PostAsync("v1/chat/completions", Json("""{"stream":true,"messages":[{"role":"user","content":"short"}]}""")).WaitAsync(StreamHubServer.Timeout);
        var events = await ReadEventsAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        Assert.DoesNotContain(events, e => e.Contains("\"usage\"", StringComparison.Ordinal));
        Assert.Equal("stop", JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Theory]
    [InlineData("[emulator: tool-calls] call a tool", "tool_calls")]
    [InlineData("[emulator: tokens=30] runs long", "length")]
    public async Task Post_Stream_RelaysTheUpstreamsFinishReason(string prompt, string expected)
    {
        using var http = Http(_server);
        using var response = await http.PostAsync("v1/chat/completions", Json($$"""{"stream":true,"max_tokens":5,"messages":[{"role":"user","content":"{{prompt}}"}]}""")).WaitAsync(StreamHubServer.Timeout);
        var events = await ReadEventsAsync(response);

        Assert.Equal(expected, JsonDocument.Parse(events[^2]).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact]
    public async Task Post_StreamFalse_AnswersOneChatCompletion()
    {
        using var http = Http(_server);
        using var response = await http.PostAsync(
            "v1/chat/completions", Json("""{"max_completion_tokens":4,"request_id":"whole-1","messages":[{"role":"user","content":"whole"}]}""")).WaitAsync(StreamHubServer.Timeout);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("chat.completion", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("chatcmpl-whole-1", json.RootElement.GetProperty("id").GetString());
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal(EmulatorText.Text("whole", 4), choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal(4, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }

    [Theory]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"max_tokens":0}""", "max_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"max_completion_tokens":"many"}""", "max_completion_tokens")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"temperature":9}""", "temperature")]
    [InlineData("""{"messages":[{"role":"robot","content":"a"}]}""", "role")]
    [InlineData("""{"messages":[{"role":"user","content":" "}]}""", "content")]
    [InlineData("""{"messages":[]}""", "messages")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"stream":"yes"}""", "stream")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"n":2}""", "n must be 1")]
    [InlineData("""{"messages":[{"role":"user","content":"a"}],"request_id":"has space"}""", "request_id")]
    [InlineData("""not json""", "JSON")]
    public async Task Post_InvalidBody_Answers400InOpenAisErrorShape(string body, string mentions)
    {
        using var http = Http(_server);
        using var response = await http.PostAsync("v1/chat/completions", Json(body)).WaitAsync(StreamHubServer.Timeout);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = json.RootElement.GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.StartsWith("invalid_request: ", error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains(mentions, error.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Emulator.State.GetStats().TotalRequests);
    }

    [Theory]
    [InlineData("X-StreamHub-Priority", "urgent")]
    [InlineData("X-StreamHub-Group", "no spaces allowed")]
    [InlineData("X-Request-Id", "no/slash")]
    public async Task Post_InvalidHeader_Answers400NamingTheHeader(string header, string value)
    {
        using var http = Http(_server);
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = Json("""{"messages":[{"role":"user","content":"a"}]}""") };
        request.Headers.TryAddWithoutValidation(header, value);

        using var response = await http.SendAsync(request).WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(header, await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("critical", "Normal")]
    [InlineData("low", "Low")]
    public async Task Post_PriorityHeader_LowersTheTierAndAHigherAskIsCapped(string asked, string expected)
    {
        using var http = Http(_server, handler: new SocketsHttpHandler { MaxResponseDrainSize = 0 });
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = Json($$"""{"stream":true,"messages":[{"role":"user","content":"{{Slow}}"}]}"""),
        };
        request.Headers.Add("X-StreamHub-Priority", asked);
        request.Headers.Add("X-Request-Id", "prio-" + asked);

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(StreamHubServer.Timeout);

        Assert.True(_server.Services.GetRequiredService<ActiveRequests>().TryGet(new RequestKey("acme", "prio-" + asked), out var active));
        Assert.Equal(expected, active!.Priority.ToString());
    }

    [Fact]
    public async Task Post_OverTheTenantsRequestsPerMinute_Answers429WithRetryAfter()
    {
        using var http = Http(_server, TrickleKey);
        using var first = await http.PostAsync("v1/chat/completions", Json("""{"messages":[{"role":"user","content":"a"}],"max_tokens":2}""")).WaitAsync(StreamHubServer.Timeout);
        using var second = await http.PostAsync("v1/chat/completions", Json("""{"stream":true,"messages":[{"role":"user","content":"a"}]}""")).WaitAsync(StreamHubServer.Timeout);
        using var json = JsonDocument.Parse(await second.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);
        Assert.True(second.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("rate_limited", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("rate_limit_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("[emulator: status=500] fail", HttpStatusCode.BadGateway, "upstream_error")]
    [InlineData("[emulator: status=503] fail", HttpStatusCode.ServiceUnavailable, "upstream_unavailable")]
    public async Task Post_UpstreamFailsBeforeTheFirstToken_AnswersTheCodesStatus(string prompt, HttpStatusCode status, string code)
    {
        using var http = Http(_server);
        using var response = await http.PostAsync("v1/chat/completions", Json($$"""{"stream":true,"messages":[{"role":"user","content":"{{prompt}}"}]}""")).WaitAsync(StreamHubServer.Timeout);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout));

        Assert.Equal((status, code), (response.StatusCode, json.RootElement.GetProperty("error").GetProperty("code").GetString()));
    }

    [Fact]
    public async Task Post_UpstreamFailsAfterTokens_SendsAnErrorEventAndEndsWithoutDone()
    {
        using var http = Http(_server);
        using var response = await http.PostAsync(
            "v1/chat/completions", Json("""{"stream":true,"messages":[{"role":"user","content":"[emulator: drop-after=3] break"}]}""")).WaitAsync(StreamHubServer.Timeout);
        var events = await ReadEventsAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(4, events.Count(e => e.Contains("chat.completion.chunk", StringComparison.Ordinal)));
        var error = JsonDocument.Parse(events[^1]).RootElement.GetProperty("error");
        Assert.Equal("upstream_interrupted", error.GetProperty("code").GetString());
        Assert.DoesNotContain("[DONE]", events);
    }

    [Fact]
    public async Task Post_OperatorKey_Answers403()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(("Admin:ApiKey", "admin-key-0123456789abcdef")), _server.Emulator);
        using var http = Http(server, "admin-key-0123456789abcdef");

        using var response = await http.PostAsync("v1/chat/completions", Json("""{"messages":[{"role":"user","content":"a"}]}""")).WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("\"forbidden\"", await response.Content.ReadAsStringAsync().WaitAsync(StreamHubServer.Timeout), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_List_ShowsTheConfiguredModel()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(("Upstream:Model", "gpt-4o-mini")), _server.Emulator);
        using var http = Http(server);

        using var json = JsonDocument.Parse(await http.GetStringAsync("v1/models").WaitAsync(StreamHubServer.Timeout));

        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        Assert.Equal("gpt-4o-mini", json.RootElement.GetProperty("data")[0].GetProperty("id").GetString());
        Assert.Equal("model", json.RootElement.GetProperty("data")[0].GetProperty("object").GetString());
    }
}
