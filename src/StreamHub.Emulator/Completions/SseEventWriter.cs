using System.Buffers;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// Frames and sends SSE events, flushing after each one. One buffer and one JSON writer serve the whole
/// response. With <c>split-utf8</c> an event goes out in several flushed writes cut inside the field name,
/// inside every multi-byte character and between the bytes of each line ending.
/// </summary>
internal sealed class SseEventWriter : IDisposable
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly PipeWriter _pipe;
    private readonly bool _split;
    private readonly byte[] _eol;
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _json;
    private readonly List<int> _cuts = [];
    private readonly bool _pings;

    /// <param name="pings">Keep-alives as Anthropic sends them (<c>event: ping</c>) instead of SSE comments.</param>
    public SseEventWriter(PipeWriter pipe, bool crlf, bool split, bool pings = false)
    {
        _pipe = pipe;
        _split = split;
        _pings = pings;
        _eol = crlf ? "\r\n"u8.ToArray() : "\n"u8.ToArray();
        _json = new Utf8JsonWriter(_buffer, JsonOptions);
    }

    public void Dispose() => _json.Dispose();

    /// <summary>Starts a <c>data:</c> event; write one JSON value, then call <see cref="SendDataAsync"/>.</summary>
    public Utf8JsonWriter BeginData()
    {
        _buffer.ResetWrittenCount();
        _buffer.Write("data: "u8);
        _json.Reset(_buffer);
        return _json;
    }

    /// <summary>Starts a named event (<c>event: name</c>, then <c>data:</c>), as Anthropic frames every event.</summary>
    public Utf8JsonWriter BeginEvent(string name)
    {
        _buffer.ResetWrittenCount();
        WriteEventLine(name);
        _buffer.Write("data: "u8);
        _json.Reset(_buffer);
        return _json;
    }

    /// <summary>A named event whose data is not JSON (a deliberately broken one).</summary>
    public ValueTask SendRawEventAsync(string name, ReadOnlySpan<byte> payload, CancellationToken ct)
    {
        _buffer.ResetWrittenCount();
        WriteEventLine(name);
        _buffer.Write("data: "u8);
        _buffer.Write(payload);
        _buffer.Write(_eol);
        _buffer.Write(_eol);
        return SendAsync(ct);
    }

    public ValueTask SendDataAsync(CancellationToken ct)
    {
        _json.Flush();
        _buffer.Write(_eol);
        _buffer.Write(_eol);
        return SendAsync(ct);
    }

    /// <summary>A <c>data:</c> event with a payload that is not JSON (<c>[DONE]</c>, or a deliberately broken chunk).</summary>
    public ValueTask SendRawDataAsync(ReadOnlySpan<byte> payload, CancellationToken ct)
    {
        _buffer.ResetWrittenCount();
        _buffer.Write("data: "u8);
        _buffer.Write(payload);
        _buffer.Write(_eol);
        _buffer.Write(_eol);
        return SendAsync(ct);
    }

    /// <summary>An SSE comment (or Anthropic's <c>ping</c> event): readers must ignore it, idle timers should see it as life.</summary>
    public ValueTask SendKeepAliveAsync(CancellationToken ct)
    {
        if (_pings)
        {
            return SendRawEventAsync("ping", "{\"type\":\"ping\"}"u8, ct);
        }

        _buffer.ResetWrittenCount();
        _buffer.Write(": keep-alive"u8);
        _buffer.Write(_eol);
        _buffer.Write(_eol);
        return SendAsync(ct);
    }

    private void WriteEventLine(string name)
    {
        _buffer.Write("event: "u8);
        System.Text.EncodingExtensions.GetBytes(System.Text.Encoding.UTF8, name.AsSpan(), _buffer);
        _buffer.Write(_eol);
    }

    private async ValueTask SendAsync(CancellationToken ct)
    {
        if (!_split)
        {
            await WriteAndFlushAsync(_buffer.WrittenMemory, ct);
            return;
        }

        var bytes = _buffer.WrittenMemory;
        var start = 0;
        foreach (var cut in Cuts(bytes.Span))
        {
            await WriteAndFlushAsync(bytes[start..cut], ct);
            start = cut;
        }

        await WriteAndFlushAsync(bytes[start..], ct);
    }

    private List<int> Cuts(ReadOnlySpan<byte> bytes)
    {
        _cuts.Clear();
        AddCut(3, bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            // After the lead byte of a multi-byte sequence: the character arrives in two reads.
            if (bytes[i] >= 0xC0)
            {
                AddCut(i + 1, bytes.Length);
            }

            // Between '\r' and '\n', the cut that naive CRLF handling gets wrong.
            if (bytes[i] == (byte)'\r')
            {
                AddCut(i + 1, bytes.Length);
            }
        }

        AddCut(bytes.Length / 2, bytes.Length);
        AddCut(bytes.Length - 1, bytes.Length);
        _cuts.Sort();
        return _cuts;
    }

    private void AddCut(int at, int length)
    {
        if (at > 0 && at < length && !_cuts.Contains(at))
        {
            _cuts.Add(at);
        }
    }

    private async ValueTask WriteAndFlushAsync(ReadOnlyMemory<byte> bytes, CancellationToken ct)
    {
        var result = await _pipe.WriteAsync(bytes, ct);
        if (result.IsCompleted || result.IsCanceled)
        {
            // The client is gone; Kestrel reports it here before (or instead of) RequestAborted.
            throw new IOException("The client stopped reading the stream.");
        }
    }
}
