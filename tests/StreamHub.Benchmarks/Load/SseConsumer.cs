using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// Streams over HTTP/SSE from an OpenAI-compatible <c>/v1/chat/completions</c>: the emulator itself (direct),
/// nginx, YARP, or StreamHub's own front door. One pooled HttpClient, one connection per open stream.
/// </summary>
internal sealed class SseConsumer : IStreamConsumer
{
    private readonly SocketsHttpHandler _handler = new()
    {
        MaxConnectionsPerServer = int.MaxValue,
        UseCookies = false,
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
    };

    private readonly HttpClient _http;
    private readonly Uri _url;

    public SseConsumer(Uri root)
    {
        _http = new HttpClient(_handler) { Timeout = Timeout.InfiniteTimeSpan };
        _url = new Uri(root, "/v1/chat/completions");
    }

    public async Task RunStreamAsync(int slot, StreamShape shape, Func<ITokenSink> begin, CancellationToken ct)
    {
        await Task.Yield();
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["model"] = "emulator-1",
            ["stream"] = true,
            ["max_tokens"] = shape.Tokens,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = Prompts.For(slot, shape.Tokens, shape.TokensPerSecond, shape.FirstTokenDelay) } },
        });
        var probe = begin();
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, _url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                probe.Fail("http_" + (int)response.StatusCode);
                return;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            await foreach (var item in SseParser.Create(stream, static (_, data) => SseChunk.Parse(data)).EnumerateAsync(ct))
            {
                var now = Stopwatch.GetTimestamp();
                var chunk = item.Data;
                if (chunk.Kind == SseChunk.Done)
                {
                    probe.Complete();
                    return;
                }

                if (chunk.Kind == SseChunk.Error)
                {
                    probe.Fail("sse_error");
                    return;
                }

                if (chunk.Kind == SseChunk.Content)
                {
                    probe.Token(now, chunk.Emitted);
                }
            }

            probe.Fail("no_done");
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            probe.Fail("deadline");
        }
        catch (Exception e)
        {
            probe.Fail("client:" + e.GetType().Name);
        }
    }

    public ValueTask DisposeAsync()
    {
        _http.Dispose();
        _handler.Dispose();
        return ValueTask.CompletedTask;
    }
}
