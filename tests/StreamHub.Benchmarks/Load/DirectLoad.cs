using System.Diagnostics;
using System.Net.ServerSentEvents;
using System.Text.Json;

namespace StreamHub.Benchmarks.Load;

/// <summary>The same streams read straight from the emulator over HTTP/SSE: the baseline StreamHub is compared with.</summary>
internal static class DirectLoad
{
    private static readonly double MsPerTick = 1000.0 / Stopwatch.Frequency;

    public static async Task RunAsync(Uri emulatorRoot, int streams, int tokens, double tps, TimeSpan firstTokenDelay, TimeSpan ramp, PhaseRecorder recorder, CancellationToken ct)
    {
        using var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = int.MaxValue,
            UseCookies = false,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        };
        using var http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var url = new Uri(emulatorRoot, "/v1/chat/completions");
        recorder.MarkStart();
        var tasks = await Starter.StartAllAsync(streams, ramp, i => RunStreamAsync(http, url, i, tokens, tps, firstTokenDelay, recorder, ct), ct);
        await Task.WhenAll(tasks);
        recorder.MarkEnd();
    }

    private static async Task RunStreamAsync(HttpClient http, Uri url, int slot, int tokens, double tps, TimeSpan firstTokenDelay, PhaseRecorder recorder, CancellationToken ct)
    {
        await Task.Yield();
        var body = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
        {
            ["model"] = "emulator-1",
            ["stream"] = true,
            ["max_tokens"] = tokens,
            ["messages"] = new[] { new Dictionary<string, string> { ["role"] = "user", ["content"] = Prompts.For(slot, tokens, tps, firstTokenDelay) } },
        });
        var probe = recorder.Begin(slot);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
            request.Content.Headers.ContentType = new("application/json");
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (!response.IsSuccessStatusCode)
            {
                probe.Fail("http_" + (int)response.StatusCode);
                return;
            }

            await using var stream = await response.Content.ReadAsStreamAsync(ct);
            var done = false;
            await foreach (var item in SseParser.Create(stream, static (_, data) => Event.Parse(data)).EnumerateAsync(ct))
            {
                var now = Stopwatch.GetTimestamp();
                var e = item.Data;
                if (e.Done)
                {
                    done = true;
                    break;
                }

                if (e.Content)
                {
                    probe.Token(now);
                    if (e.EmitTs > 0)
                    {
                        recorder.Transport((now - e.EmitTs) * MsPerTick);
                    }
                }
            }

            if (done)
            {
                probe.Complete();
            }
            else
            {
                probe.Fail("no_done");
            }
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

    /// <summary>The two things the baseline needs from a chunk: whether it carries text, and its emit stamp.</summary>
    private readonly record struct Event(bool Done, bool Content, long EmitTs)
    {
        public static Event Parse(ReadOnlySpan<byte> data)
        {
            if (data.SequenceEqual("[DONE]"u8))
            {
                return new Event(true, false, 0);
            }

            var reader = new Utf8JsonReader(data);
            var content = false;
            long emit = 0;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName)
                {
                    continue;
                }

                if (reader.ValueTextEquals("content"u8))
                {
                    reader.Read();
                    content |= reader.TokenType == JsonTokenType.String && (reader.ValueSpan.Length > 0 || reader.ValueIsEscaped);
                }
                else if (reader.ValueTextEquals("x_emit_ts"u8))
                {
                    reader.Read();
                    reader.TryGetInt64(out emit);
                }
            }

            return new Event(false, content, emit);
        }
    }
}
