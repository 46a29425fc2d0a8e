using System.Diagnostics;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// A reader that stops reading must stop the upstream read too: the server may hold a few buffers, never
/// the whole answer.
/// </summary>
public sealed class BackpressureTests : IAsyncLifetime
{
    private const int Tokens = 100_000;
    private const string Flood = "[emulator: tps=10000000 tokens=100000] flood";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
    {
        ["Streaming:MaxTokensLimit"] = "200000",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Stream_ReaderStopsReading_UpstreamReadStopsAndResumesNothingUntilClosed()
    {
        // Control: read at full speed, the whole answer passes through in some time T.
        var watch = Stopwatch.StartNew();
        await using (var fast = await _server.ConnectAsync())
        {
            var all = await Streams.ReadAllAsync(fast, new StreamRequest { Prompt = Flood, MaxTokens = Tokens });
            Assert.Equal(Tokens, all.Count);
        }

        var fullSpeed = watch.Elapsed;
        var completedBefore = _server.Emulator.State.GetStats().CompletedStreams;

        // A raw WebSocket client with a tiny socket receive buffer that sends one Stream call and then
        // never reads again.
        using var socket = await OpenStalledStreamAsync();
        var wait = TimeSpan.FromTicks(Math.Max(TimeSpan.FromSeconds(3).Ticks, fullSpeed.Ticks * 2));

        // Real time on purpose, bounded by the control run: the emulator floods on the real clock, and "the
        // upstream was never read to the end" can only be shown by letting that much time pass.
        await Task.Delay(wait);

        // Twice the time the whole answer needs at full speed, and the upstream has not been read to the
        // end: the stalled reader holds the upstream read back. (Kestrel may also drop a reader that
        // stays stalled past its minimum response data rate; either way the answer was never drained.)
        Assert.Equal(completedBefore, _server.Emulator.State.GetStats().CompletedStreams);

        socket.Abort();
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task Stream_OneConnectionStopsReading_OtherConnectionsStreamToTheEnd()
    {
        // A connection whose socket is full holds back its own pump (and upstream read) only, never a thread,
        // lock or buffer that another connection's stream needs.
        using var stalled = await OpenStalledStreamAsync();
        var completedBefore = _server.Emulator.State.GetStats().CompletedStreams;

        await using var other = await _server.ConnectAsync();
        var texts = await Streams.ReadAllAsync(other, new StreamRequest { Prompt = "[emulator: tps=10000000 tokens=5000] other", MaxTokens = 5000 })
            .WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(5000, texts.Count);
        Assert.Equal(completedBefore + 1, _server.Emulator.State.GetStats().CompletedStreams);
        stalled.Abort();
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(2));
    }

    private async Task<ClientWebSocket> OpenStalledStreamAsync()
    {
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var s = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                await s.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(s, ownsSocket: true);
            },
        };
        var invoker = new HttpMessageInvoker(handler);
        var ws = new ClientWebSocket();
        var uri = new UriBuilder(_server.HubUrl) { Scheme = "ws" }.Uri;
        await ws.ConnectAsync(uri, invoker, CancellationToken.None).WaitAsync(StreamHubServer.Timeout);
        await SendAsync(ws, """{"protocol":"json","version":1}""");
        var buffer = new byte[1024];
        await ws.ReceiveAsync(buffer.AsMemory(), CancellationToken.None).AsTask().WaitAsync(StreamHubServer.Timeout);
        await SendAsync(ws, $$"""{"type":4,"invocationId":"1","target":"Stream","arguments":[{"prompt":"{{Flood}}","maxTokens":{{Tokens}}}]}""");
        await Waits.EventuallyAsync(() => _server.Emulator.State.OpenStreams > 0, "the stalled stream to reach the upstream");

        return ws;
    }

    private static Task SendAsync(ClientWebSocket ws, string json)
        => ws.SendAsync(Encoding.UTF8.GetBytes(json + "\u001e"), WebSocketMessageType.Text, true, CancellationToken.None)
            .WaitAsync(StreamHubServer.Timeout);
}
