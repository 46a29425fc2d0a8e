using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// The hub as an attacker reaches it: a bare WebSocket (no negotiate, no SignalR client) that sends
/// hand-written frames. JSON frames end with the record separator <c>\u001e</c>; MessagePack frames carry
/// SignalR's varint length prefix. Every wait is bounded.
/// </summary>
internal sealed class RawHubSocket : IAsyncDisposable
{
    public const char RecordSeparator = '\u001e';

    private readonly ClientWebSocket _socket;
    private readonly List<byte> _pending = [];

    private RawHubSocket(ClientWebSocket socket)
    {
        _socket = socket;
    }

    public WebSocketState State => _socket.State;

    /// <summary>Opens the socket and completes the handshake for <paramref name="protocol"/> ("json" or "messagepack").</summary>
    public static async Task<RawHubSocket> ConnectAsync(StreamHubServer server, string protocol = "json", string? accessToken = null)
    {
        var socket = new ClientWebSocket();
        var url = new UriBuilder(server.HubUrl) { Scheme = "ws" };
        if (accessToken is not null)
        {
            url.Query = "access_token=" + Uri.EscapeDataString(accessToken);
        }

        await socket.ConnectAsync(url.Uri, CancellationToken.None).WaitAsync(StreamHubServer.Timeout);
        var raw = new RawHubSocket(socket);
        await raw.SendTextAsync($$"""{"protocol":"{{protocol}}","version":1}""" + RecordSeparator);
        var handshake = await raw.ReceiveTextRecordAsync();
        if (handshake != "{}")
        {
            throw new InvalidOperationException("handshake refused: " + handshake);
        }

        return raw;
    }

    /// <summary>Sends one JSON hub message; the record separator is added.</summary>
    public Task SendJsonAsync(string message) => SendTextAsync(message + RecordSeparator);

    public async Task SendTextAsync(string text)
        => await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, CancellationToken.None).WaitAsync(StreamHubServer.Timeout);

    /// <summary>Sends raw bytes in one binary frame (a MessagePack message with its length prefix).</summary>
    public async Task SendBinaryAsync(byte[] bytes)
        => await _socket.SendAsync(bytes, WebSocketMessageType.Binary, true, CancellationToken.None).WaitAsync(StreamHubServer.Timeout);

    /// <summary>The next JSON hub message that is not a ping, parsed; null when the socket closed.</summary>
    public async Task<JsonElement?> ReceiveJsonAsync()
    {
        while (true)
        {
            var record = await ReceiveTextRecordAsync();
            if (record is null)
            {
                return null;
            }

            var message = JsonSerializer.Deserialize<JsonElement>(record);
            if (message.GetProperty("type").GetInt32() != 6)
            {
                return message;
            }
        }
    }

    /// <summary>
    /// Reads JSON hub messages until the completion (type 3) of <paramref name="invocationId"/> or a close
    /// (type 7, or the socket closing); returns it and the stream items seen on the way. Throws
    /// <see cref="TimeoutException"/> when that takes longer than the standard timeout in all.
    /// </summary>
    public async Task<(JsonElement? End, List<JsonElement> Items)> ReadUntilCompletionAsync(string invocationId)
    {
        var items = new List<JsonElement>();
        var deadline = DateTime.UtcNow + StreamHubServer.Timeout;
        while (await ReceiveJsonAsync() is { } message)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no completion of invocation {invocationId} within {StreamHubServer.Timeout}");
            }

            var type = message.GetProperty("type").GetInt32();
            if (type == 7)
            {
                return (message, items);
            }

            if (message.TryGetProperty("invocationId", out var id) && id.GetString() == invocationId)
            {
                if (type == 3)
                {
                    return (message, items);
                }

                items.Add(message);
            }
        }

        return (null, items);
    }

    /// <summary>One whole text record (up to the separator), or null when the socket closed.</summary>
    public async Task<string?> ReceiveTextRecordAsync()
    {
        while (true)
        {
            var end = _pending.IndexOf((byte)RecordSeparator);
            if (end >= 0)
            {
                var record = Encoding.UTF8.GetString([.. _pending.Take(end)]);
                _pending.RemoveRange(0, end + 1);
                return record;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    /// <summary>One whole MessagePack message (without its length prefix), or null when the socket closed.</summary>
    public async Task<byte[]?> ReceiveBinaryMessageAsync()
    {
        while (true)
        {
            if (TryTakeLengthPrefixed(out var message))
            {
                return message;
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    /// <summary>Prefixes <paramref name="payload"/> with SignalR's varint length.</summary>
    public static byte[] LengthPrefixed(ReadOnlySpan<byte> payload)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var length = (uint)payload.Length;
        do
        {
            var b = (byte)(length & 0x7f);
            length >>= 7;
            if (length > 0)
            {
                b |= 0x80;
            }

            buffer.Write([b]);
        }
        while (length > 0);
        buffer.Write(payload);
        return buffer.WrittenSpan.ToArray();
    }

    private bool TryTakeLengthPrefixed(out byte[] message)
    {
        message = [];
        var length = 0;
        var shift = 0;
        var index = 0;
        while (true)
        {
            if (index >= _pending.Count || index > 4)
            {
                return false;
            }

            var b = _pending[index++];
            length |= (b & 0x7f) << shift;
            shift += 7;
            if ((b & 0x80) == 0)
            {
                break;
            }
        }

        if (_pending.Count - index < length)
        {
            return false;
        }

        message = [.. _pending.Skip(index).Take(length)];
        _pending.RemoveRange(0, index + length);
        return true;
    }

    private async Task<bool> FillAsync()
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var result = await _socket.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(StreamHubServer.Timeout);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }

            _pending.AddRange(buffer.AsSpan(0, result.Count).ToArray());
            return true;
        }
        catch (WebSocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None).WaitAsync(StreamHubServer.Timeout);
            }
            catch (Exception ex) when (ex is WebSocketException or TimeoutException)
            {
                // The server went first.
            }
        }

        _socket.Dispose();
    }
}
