using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Anthropic;

/// <summary>
/// Writes the Messages API's SSE events (<c>event: &lt;name&gt;</c>, <c>data: &lt;json&gt;</c>) into the response's
/// <see cref="PipeWriter"/>: <c>message_start</c>, content blocks numbered in the order they start
/// (<c>content_block_start</c>, <c>content_block_delta</c>, <c>content_block_stop</c>), <c>message_delta</c> and
/// <c>message_stop</c>, and <c>error</c>. Which block comes when is <see cref="MessageStreamWriter"/>'s; flushing
/// is the caller's.
/// </summary>
internal sealed class MessageEventWriter(PipeWriter body, string requestId) : IAsyncDisposable
{
    private readonly Utf8JsonWriter _json = new(body);
    private int _blocks;

    public void MessageStart(string model)
    {
        Begin("message_start"u8);
        _json.WriteString("type"u8, "message_start"u8);
        _json.WriteStartObject("message"u8);
        _json.WriteString("id"u8, "msg_" + requestId);
        _json.WriteString("type"u8, "message"u8);
        _json.WriteString("role"u8, "assistant"u8);
        _json.WriteStartArray("content"u8);
        _json.WriteEndArray();
        _json.WriteString("model"u8, model);
        _json.WriteNull("stop_reason"u8);
        _json.WriteNull("stop_sequence"u8);
        AnthropicUsage.Write(_json, usage: null);
        _json.WriteEndObject();
        End();
    }

    /// <summary><c>message_delta</c> with the stop reason and usage, and <c>message_stop</c>.</summary>
    public void MessageEnd(string stopReason, UsageReport? usage)
    {
        Begin("message_delta"u8);
        _json.WriteString("type"u8, "message_delta"u8);
        _json.WriteStartObject("delta"u8);
        _json.WriteString("stop_reason"u8, stopReason);
        _json.WriteNull("stop_sequence"u8);
        _json.WriteEndObject();
        AnthropicUsage.Write(_json, usage);
        End();
        Begin("message_stop"u8);
        _json.WriteString("type"u8, "message_stop"u8);
        End();
    }

    /// <summary>An <c>error</c> event, in the error's own shape (no <c>type</c> member of the event's).</summary>
    public void Error(StreamHubException failure)
    {
        body.Write("event: error\ndata: "u8);
        _json.Reset();
        AnthropicError.Write(_json, failure, requestId);
        _json.Flush();
        body.Write("\n\n"u8);
    }

    public ValueTask DisposeAsync() => _json.DisposeAsync();

    /// <summary>Starts the next block: text or thinking empty, a tool call with its id (one made up when the region gave none), name and empty input.</summary>
    public void StartBlock(ReadOnlySpan<byte> type, ReadOnlySpan<byte> field, string? id, string? name)
    {
        Begin("content_block_start"u8);
        _json.WriteString("type"u8, "content_block_start"u8);
        _json.WriteNumber("index"u8, _blocks);
        _json.WriteStartObject("content_block"u8);
        _json.WriteString("type"u8, type);
        if (type.SequenceEqual("tool_use"u8))
        {
            _json.WriteString("id"u8, id ?? "toolu_" + requestId + "_" + _blocks);
            _json.WriteString("name"u8, name ?? "");
            _json.WriteStartObject("input"u8);
            _json.WriteEndObject();
        }
        else
        {
            _json.WriteString(field, ""u8);
            if (type.SequenceEqual("thinking"u8))
            {
                _json.WriteString("signature"u8, ""u8);
            }
        }

        _json.WriteEndObject();
        End();
    }

    /// <summary>A delta of the open block.</summary>
    public void Delta(ReadOnlySpan<byte> type, ReadOnlySpan<byte> field, string? text)
    {
        Begin("content_block_delta"u8);
        _json.WriteString("type"u8, "content_block_delta"u8);
        _json.WriteNumber("index"u8, _blocks);
        _json.WriteStartObject("delta"u8);
        _json.WriteString("type"u8, type);
        _json.WriteString(field, text);
        _json.WriteEndObject();
        End();
    }

    /// <summary>Stops the open block; the next one takes the next index.</summary>
    public void StopBlock()
    {
        Begin("content_block_stop"u8);
        _json.WriteString("type"u8, "content_block_stop"u8);
        _json.WriteNumber("index"u8, _blocks++);
        End();
    }

    private void Begin(ReadOnlySpan<byte> name)
    {
        body.Write("event: "u8);
        body.Write(name);
        body.Write("\ndata: "u8);
        _json.Reset();
        _json.WriteStartObject();
    }

    private void End()
    {
        _json.WriteEndObject();
        _json.Flush();
        body.Write("\n\n"u8);
    }
}
