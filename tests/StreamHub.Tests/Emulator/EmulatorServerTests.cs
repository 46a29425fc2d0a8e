using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text;
using System.Text.Json;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Emulator;

/// <summary>Each test talks HTTP to its own emulator on a free loopback port.</summary>
public sealed class EmulatorServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = Waits.Timeout;
    private static readonly string[] TwoServerErrors = ["status=500", "status=503"];
    private static readonly string[] MisspelledFault = ["stall-afterr=1"];

    private EmulatorServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        var options = new EmulatorOptions { FirstTokenDelay = TimeSpan.FromMilliseconds(5), TokensPerSecond = 1000 };
        _server = await EmulatorServer.StartAsync(options).WaitAsync(Timeout);
        _http = new HttpClient { BaseAddress = _server.BaseAddress, Timeout = Timeout };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync().AsTask().WaitAsync(Timeout);
    }

    [Fact]
    public async Task ChatCompletions_StreamWithUsage_YieldsTokensFinishUsageAndDone()
    {
        using var response = await PostAsync(Body("tell me a story", stream: true, maxTokens: 7, includeUsage: true));
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = await ReadDataAsync(response);

        Assert.Equal("[DONE]", events[^1]);
        var chunks = events[..^1].Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var expected = EmulatorText.Tokens("tell me a story", 7);
        Assert.Equal(expected, chunks.Take(7).Select(c => Delta(c).GetProperty("content").GetString()));
        Assert.Equal("assistant", Delta(chunks[0]).GetProperty("role").GetString());
        Assert.All(chunks.Take(7), c =>
        {
            Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString());
            Assert.StartsWith("chatcmpl-", c.GetProperty("id").GetString(), StringComparison.Ordinal);
            Assert.True(c.GetProperty("x_emit_ts").GetInt64() > 0);
        });
        Assert.Equal("stop", chunks[7].GetProperty("choices")[0].GetProperty("finish_reason").GetString());
        Assert.Equal(0, chunks[8].GetProperty("choices").GetArrayLength());
        Assert.Equal(7, chunks[8].GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(9, chunks.Count);
    }

    [Fact]
    public async Task ChatCompletions_StatusDirective_ReturnsOpenAiErrorWithRetryAfter()
    {
        using var response = await PostAsync(Body("hi [emulator: status=429 retry-after=2 retry-after-ms=1500]", stream: true));

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), response.Headers.RetryAfter?.Delta);
        Assert.Equal("1500", response.Headers.GetValues("retry-after-ms").Single());
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("rate_limit_exceeded", error.GetProperty("code").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ChatCompletions_ScriptedFaults_ApplyInArrivalOrderThenNormal()
    {
        using var script = await _http.PostAsJsonAsync("emulator/script", new { faults = TwoServerErrors }).WaitAsync(Timeout);
        script.EnsureSuccessStatusCode();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            using var response = await PostAsync(Body($"request {i}", stream: false), bearer: "sk-test");
            statuses.Add(response.StatusCode);
        }

        Assert.Equal([HttpStatusCode.InternalServerError, HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK], statuses);
        var log = await GetJsonAsync("emulator/requests");
        Assert.Equal(["status=500", "status=503", null], log.EnumerateArray().Select(r => r.GetProperty("fault").GetString()));
        Assert.All(log.EnumerateArray(), r => Assert.Equal("Bearer sk-test", r.GetProperty("authorization").GetString()));
        Assert.Equal("request 2", log[2].GetProperty("messages")[1].GetProperty("content").GetString());
    }

    [Fact]
    public async Task ChatCompletions_DropAfter_BodyEndsWithIOExceptionAfterTokens()
    {
        using var response = await PostAsync(Body("drop me [emulator: drop-after=3]", stream: true));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var contents = new List<string>();

        var thrown = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync().WaitAsync(Timeout) is { } line)
            {
                if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    contents.Add(Delta(JsonDocument.Parse(line[6..]).RootElement).GetProperty("content").GetString() ?? string.Empty);
                }
            }
        });

        Assert.IsAssignableFrom<IOException>(thrown);
        Assert.Equal(EmulatorText.Tokens("drop me", 3), contents);
    }

    [Fact]
    public async Task ChatCompletions_ClientCancelsMidStream_OpenStreamsReturnsToZero()
    {
        using var cts = new CancellationTokenSource();
        var response = await PostAsync(Body("stall [emulator: stall-after=2]", stream: true));
        var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var received = 0;
        while (received < 2 && await reader.ReadLineAsync(cts.Token).AsTask().WaitAsync(Timeout) is { } line)
        {
            received += line.StartsWith("data: ", StringComparison.Ordinal) ? 1 : 0;
        }

        Assert.Equal(string.Empty, await reader.ReadLineAsync(cts.Token).AsTask().WaitAsync(Timeout)); // the event's blank line
        Assert.Equal(1, (await GetJsonAsync("emulator/stats")).GetProperty("openStreams").GetInt32());

        // Cancel a pending read, as a gateway does: HttpClient then drops the connection at once (disposing an
        // unread response alone would first try to drain it for up to two seconds).
        var pending = reader.ReadLineAsync(cts.Token).AsTask();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pending.WaitAsync(Timeout));
        reader.Dispose();
        response.Dispose();

        var stats = await PollStatsAsync(s => s.GetProperty("openStreams").GetInt32() == 0, TimeSpan.FromSeconds(2));
        Assert.Equal(0, stats.GetProperty("openStreams").GetInt32());
        Assert.Equal(1, stats.GetProperty("abortedStreams").GetInt32());
    }

    [Fact]
    public async Task DisposeAsync_StreamStalled_EndsStreamPromptlyWithError()
    {
        using var response = await PostAsync(Body("stall [emulator: stall-after=1]", stream: true));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        Assert.StartsWith("data: ", await reader.ReadLineAsync().WaitAsync(Timeout), StringComparison.Ordinal);

        var started = Stopwatch.GetTimestamp();
        await _server.DisposeAsync().AsTask().WaitAsync(Timeout);
        var thrown = await Record.ExceptionAsync(async () =>
        {
            while (await reader.ReadLineAsync().WaitAsync(Timeout) is not null)
            {
            }
        });

        Assert.IsAssignableFrom<IOException>(thrown);
        Assert.True(Stopwatch.GetElapsedTime(started) < TimeSpan.FromSeconds(3), "a stalled stream held up shutdown");
    }

    [Fact]
    public async Task ChatCompletions_NotStreaming_ReturnsChatCompletionShape()
    {
        using var response = await PostAsync(Body("whole answer", stream: false, maxTokens: 5));
        response.EnsureSuccessStatusCode();
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;

        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("emulator-1", root.GetProperty("model").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("assistant", choice.GetProperty("message").GetProperty("role").GetString());
        Assert.Equal(EmulatorText.Text("whole answer", 5), choice.GetProperty("message").GetProperty("content").GetString());
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        Assert.Equal(5, root.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
        Assert.Equal(4, root.GetProperty("usage").GetProperty("prompt_tokens").GetInt32()); // words in both messages
    }

    [Fact]
    public async Task ChatCompletions_SplitUtf8Crlf_SseParserSeesSameTokens()
    {
        using var response = await PostAsync(Body("split [emulator: split-utf8 crlf]", stream: true, maxTokens: 8));
        var stream = await response.Content.ReadAsStreamAsync();
        var data = new List<string>();
        await foreach (var item in SseParser.Create(stream).EnumerateAsync().WithCancellation(new CancellationTokenSource(Timeout).Token))
        {
            data.Add(item.Data);
        }

        Assert.Equal("[DONE]", data[^1]);
        var contents = data.Take(8).Select(d => Delta(JsonDocument.Parse(d).RootElement).GetProperty("content").GetString());
        Assert.Equal(EmulatorText.Tokens("split", 8), contents);
    }

    [Fact]
    public async Task ChatCompletions_StampText_EachTokenEndsWithItsEmitTimestamp()
    {
        var before = Stopwatch.GetTimestamp();
        using var response = await PostAsync(Body("stamped [emulator: stamp-text]", stream: true, maxTokens: 5));
        var events = await ReadDataAsync(response);

        var chunks = events.Take(5).Select(e => JsonDocument.Parse(e).RootElement).ToList();
        var expected = EmulatorText.Tokens("stamped", 5);
        for (var i = 0; i < 5; i++)
        {
            var content = Delta(chunks[i]).GetProperty("content").GetString()!;
            var emitted = chunks[i].GetProperty("x_emit_ts").GetInt64();
            Assert.Equal($"{expected[i]}@{emitted}", content);
            Assert.InRange(emitted, before, Stopwatch.GetTimestamp());
        }
    }

    [Fact]
    public async Task ChatCompletions_ErrorAfter_SendsErrorEventThenDone()
    {
        using var response = await PostAsync(Body("fail [emulator: error-after=2]", stream: true));
        var events = await ReadDataAsync(response);

        Assert.Equal(4, events.Count);
        Assert.Equal(500, JsonDocument.Parse(events[2]).RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("[DONE]", events[3]);
    }

    [Fact]
    public async Task ChatCompletions_EndAfter_EndsCleanlyWithoutFinishOrDone()
    {
        using var response = await PostAsync(Body("short [emulator: end-after=2]", stream: true));
        var events = await ReadDataAsync(response);

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(JsonValueKind.Null, JsonDocument.Parse(e).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").ValueKind));
    }

    [Fact]
    public async Task Script_UnknownFaultKey_Returns400()
    {
        using var response = await _http.PostAsJsonAsync("emulator/script", new { faults = MisspelledFault }).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, _server.State.PendingFaults);
    }

    [Fact]
    public async Task Models_Get_ListsConfiguredModel()
    {
        var models = await GetJsonAsync("v1/models");

        Assert.Equal("list", models.GetProperty("object").GetString());
        Assert.Equal("emulator-1", models.GetProperty("data")[0].GetProperty("id").GetString());
    }

    private static string Body(string prompt, bool stream, int? maxTokens = null, bool includeUsage = false) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["model"] = "emulator-1",
        ["messages"] = new[] { new { role = "system", content = "be brief" }, new { role = "user", content = prompt } },
        ["max_tokens"] = maxTokens,
        ["stream"] = stream,
        ["stream_options"] = includeUsage ? new { include_usage = true } : null,
    });

    private static JsonElement Delta(JsonElement chunk) => chunk.GetProperty("choices")[0].GetProperty("delta");

    private async Task<HttpResponseMessage> PostAsync(string body, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (bearer is not null)
        {
            request.Headers.Authorization = new("Bearer", bearer);
        }

        return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(Timeout);
    }

    private static async Task<List<string>> ReadDataAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync().WaitAsync(Timeout);
        return text.Split('\n').Where(l => l.StartsWith("data: ", StringComparison.Ordinal)).Select(l => l[6..]).ToList();
    }

    private async Task<JsonElement> GetJsonAsync(string path) =>
        JsonDocument.Parse(await _http.GetStringAsync(path).WaitAsync(Timeout)).RootElement;

    /// <summary>The emulator's stats once <paramref name="until"/> holds for them (polled, bounded by <paramref name="within"/>).</summary>
    private async Task<JsonElement> PollStatsAsync(Func<JsonElement, bool> until, TimeSpan within)
    {
        var stats = default(JsonElement);
        await Waits.EventuallyAsync(async () => until(stats = await GetJsonAsync("emulator/stats")), "the emulator's stats to settle", within);
        return stats;
    }
}
