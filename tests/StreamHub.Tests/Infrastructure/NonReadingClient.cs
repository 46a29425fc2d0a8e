using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// What an attacker (or a frozen tab) is to the hub: a raw SignalR JSON client over a WebSocket whose socket
/// receive buffer is tiny, that sends invocations and then simply stops reading. Frames are read only when the test
/// asks (<see cref="ReadUntilAsync"/>), after the server has had to cope with a reader that does not read.
/// </summary>
public sealed class NonReadingClient : IAsyncDisposable
{
    private const char RecordSeparator = '\u001e';
    private readonly ClientWebSocket _socket;
    private readonly HttpMessageInvoker _invoker;
    private readonly Queue<string> _messages = new();
    private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
    private readonly StringBuilder _partial = new();
    private int _invocations;

    private NonReadingClient(ClientWebSocket socket, HttpMessageInvoker invoker)
    {
        _socket = socket;
        _invoker = invoker;
    }

    /// <summary>Connects to the hub (as <paramref name="key"/>'s tenant, or anonymously) and completes the JSON handshake.</summary>
    public static async Task<NonReadingClient> ConnectAsync(Uri hubUrl, string? key = null)
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
        var socket = new ClientWebSocket();
        if (key is not null)
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + key);
        }

        await socket.ConnectAsync(new UriBuilder(hubUrl) { Scheme = "ws" }.Uri, invoker, CancellationToken.None).WaitAsync(Waits.Timeout);
        var client = new NonReadingClient(socket, invoker);
        await client.SendAsync("""{"protocol":"json","version":1}""");
        await client.ReadUntilAsync(static message => message == "{}");
        return client;
    }

    /// <summary>Starts a streaming invocation (<c>StreamInvocation</c>) of <paramref name="target"/>; returns its invocation id.</summary>
    /// <param name="argumentsJson">The arguments as a JSON array's items, e.g. <c>{"prompt":"hi"}</c> or <c>"id",0</c>.</param>
    public async Task<string> StreamAsync(string target, string argumentsJson)
    {
        var id = Interlocked.Increment(ref _invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync($$"""{"type":4,"invocationId":"{{id}}","target":"{{target}}","arguments":[{{argumentsJson}}]}""");
        return id;
    }

    /// <summary>Invokes a plain hub method and reads its completion (before the client stops reading).</summary>
    public async Task<string> InvokeAsync(string target, string argumentsJson)
    {
        var id = Interlocked.Increment(ref _invocations).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await SendAsync($$"""{"type":1,"invocationId":"{{id}}","target":"{{target}}","arguments":[{{argumentsJson}}]}""");
        return await ReadUntilAsync(m => m.StartsWith("{\"type\":3,", StringComparison.Ordinal) && m.Contains($"\"invocationId\":\"{id}\"", StringComparison.Ordinal));
    }

    /// <summary>
    /// Reads frames (now: the client starts reading again) until a message matches; returns it. Fails when the
    /// connection closes first.
    /// </summary>
    public async Task<string> ReadUntilAsync(Func<string, bool> match)
        => await TryReadUntilAsync(match) ?? throw new InvalidOperationException("the connection closed before the message came");

    /// <summary>Reads until a message matches (returned) or the server closes the connection (null).</summary>
    public async Task<string?> TryReadUntilAsync(Func<string, bool> match)
    {
        var buffer = new byte[64 * 1024];
        var chars = new char[Encoding.UTF8.GetMaxCharCount(buffer.Length)];
        while (true)
        {
            while (_messages.TryDequeue(out var message))
            {
                if (match(message))
                {
                    return message;
                }
            }

            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(Waits.Timeout);
            }
            catch (WebSocketException)
            {
                return null;
            }

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }

            var count = _utf8.GetChars(buffer, 0, result.Count, chars, 0);
            var start = 0;
            for (var i = 0; i < count; i++)
            {
                if (chars[i] == RecordSeparator)
                {
                    _partial.Append(chars, start, i - start);
                    _messages.Enqueue(_partial.ToString());
                    _partial.Clear();
                    start = i + 1;
                }
            }

            _partial.Append(chars, start, count - start);
        }
    }

    public ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        _invoker.Dispose();
        return ValueTask.CompletedTask;
    }

    private Task SendAsync(string json)
        => _socket.SendAsync(Encoding.UTF8.GetBytes(json + RecordSeparator), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(Waits.Timeout);
}
