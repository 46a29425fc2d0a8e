using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Anthropic;

/// <summary>
/// Writes one streamed Messages API answer into the response's <see cref="PipeWriter"/>, whatever dialect the region
/// that answers speaks: <c>message_start</c>, each run of reasoning, text (a refusal too) and each tool call as its own
/// content block (<c>content_block_start</c>, <c>thinking_delta</c> / <c>text_delta</c> / <c>input_json_delta</c>,
/// <c>content_block_stop</c>), then <c>message_delta</c> with the stop reason and usage, and <c>message_stop</c>. A tool
/// call's fragments stream into its block; calls that start while another call's block is open (OpenAI's parallel
/// calls may interleave) are held and written whole when it closes, since Anthropic's blocks never interleave. Each
/// event is flushed as written, and the flush waits while the client is slow.
/// </summary>
internal sealed class MessageStreamWriter(PipeWriter body, string requestId, string model) : IAsyncDisposable
{
    private readonly Utf8JsonWriter _json = new(body);
    private readonly SortedDictionary<int, HeldCall> _held = [];
    private readonly HashSet<int> _written = [];
    private int _blocks;
    private EventKind? _open;
    private int _openCall = -1;
    private string _stopReason = "end_turn";
    private UsageReport? _usage;

    public ValueTask<FlushResult> StartAsync(CancellationToken cancellationToken)
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
        return body.FlushAsync(cancellationToken);
    }

    /// <summary>One pipeline event; finish and usage are kept for <see cref="EndAsync"/>.</summary>
    public ValueTask<FlushResult> WriteAsync(CompletionEvent item, CancellationToken cancellationToken)
    {
        switch (item.Kind)
        {
            case EventKind.Text or EventKind.Refusal:
                Delta(EventKind.Text, "text_delta"u8, "text"u8, item.Text);
                break;
            case EventKind.Reasoning:
                Delta(EventKind.Reasoning, "thinking_delta"u8, "thinking"u8, item.Text);
                break;
            case EventKind.ToolCall:
                ToolCall(item);
                break;
            case EventKind.Finish:
                Close();
                _stopReason = AnthropicUsage.StopReasonOf(item.FinishReason);
                break;
            default:
                _usage = item.Usage;
                return default;
        }

        return body.FlushAsync(cancellationToken);
    }

    /// <summary><c>message_delta</c> with the stop reason and usage, and <c>message_stop</c>.</summary>
    public ValueTask<FlushResult> EndAsync(CancellationToken cancellationToken)
    {
        Close();
        Begin("message_delta"u8);
        _json.WriteString("type"u8, "message_delta"u8);
        _json.WriteStartObject("delta"u8);
        _json.WriteString("stop_reason"u8, _stopReason);
        _json.WriteNull("stop_sequence"u8);
        _json.WriteEndObject();
        AnthropicUsage.Write(_json, _usage);
        End();
        Begin("message_stop"u8);
        _json.WriteString("type"u8, "message_stop"u8);
        End();
        return body.FlushAsync(cancellationToken);
    }

    /// <summary>An <c>error</c> event after the stream started; the caller then ends the stream.</summary>
    public ValueTask<FlushResult> ErrorAsync(StreamHubException failure, CancellationToken cancellationToken)
    {
        body.Write("event: error\ndata: "u8);
        _json.Reset();
        AnthropicError.Write(_json, failure, requestId);
        _json.Flush();
        body.Write("\n\n"u8);
        return body.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _json.DisposeAsync();

    private void Delta(EventKind kind, ReadOnlySpan<byte> type, ReadOnlySpan<byte> field, string? text)
    {
        if (_open != kind)
        {
            Close();
            StartBlock(kind == EventKind.Reasoning ? "thinking"u8 : "text"u8, field, id: null, name: null);
            _open = kind;
        }

        WriteDelta(type, field, text);
    }

    private void ToolCall(CompletionEvent item)
    {
        if (_open == EventKind.ToolCall && _openCall == item.Index)
        {
            WriteArguments(item.Arguments);
        }
        else if (_open != EventKind.ToolCall && !_written.Contains(item.Index) && !_held.ContainsKey(item.Index))
        {
            Close();
            StartBlock("tool_use"u8, default, item.Id, item.Name);
            (_open, _openCall) = (EventKind.ToolCall, item.Index);
            _written.Add(item.Index);
            WriteArguments(item.Arguments);
        }
        else
        {
            if (!_held.TryGetValue(item.Index, out var held))
            {
                _held[item.Index] = held = new HeldCall();
            }

            held.Id ??= item.Id;
            held.Name ??= item.Name;
            held.Arguments.Append(item.Arguments);
        }
    }

    private void WriteArguments(string? arguments)
    {
        if (!string.IsNullOrEmpty(arguments))
        {
            WriteDelta("input_json_delta"u8, "partial_json"u8, arguments);
        }
    }

    /// <summary>Closes the open block, then writes every held call whole.</summary>
    private void Close()
    {
        if (_open is not null)
        {
            StopBlock();
            _open = null;
        }

        foreach (var (index, held) in _held)
        {
            StartBlock("tool_use"u8, default, held.Id, held.Name);
            WriteArguments(held.Arguments.ToString());
            StopBlock();
            _written.Add(index);
        }

        _held.Clear();
    }

    private void StartBlock(ReadOnlySpan<byte> type, ReadOnlySpan<byte> field, string? id, string? name)
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

    private void WriteDelta(ReadOnlySpan<byte> type, ReadOnlySpan<byte> field, string? text)
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

    private void StopBlock()
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

    private sealed class HeldCall
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
