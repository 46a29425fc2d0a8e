using System.IO.Pipelines;
using System.Text;
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
    private readonly MessageEventWriter _events = new(body, requestId);
    private readonly SortedDictionary<int, HeldCall> _held = [];
    private readonly HashSet<int> _written = [];
    private EventKind? _open;
    private int _openCall = -1;
    private string _stopReason = "end_turn";
    private UsageReport? _usage;

    public ValueTask<FlushResult> StartAsync(CancellationToken cancellationToken)
    {
        _events.MessageStart(model);
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
        _events.MessageEnd(_stopReason, _usage);
        return body.FlushAsync(cancellationToken);
    }

    /// <summary>An <c>error</c> event after the stream started; the caller then ends the stream.</summary>
    public ValueTask<FlushResult> ErrorAsync(StreamHubException failure, CancellationToken cancellationToken)
    {
        _events.Error(failure);
        return body.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _events.DisposeAsync();


    private void Delta(EventKind kind, ReadOnlySpan<byte> type, ReadOnlySpan<byte> field, string? text)
    {
        if (_open != kind)
        {
            Close();
            _events.StartBlock(kind == EventKind.Reasoning ? "thinking"u8 : "text"u8, field, id: null, name: null);
            _open = kind;
        }

        _events.Delta(type, field, text);
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
            _events.StartBlock("tool_use"u8, default, item.Id, item.Name);
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
            _events.Delta("input_json_delta"u8, "partial_json"u8, arguments);
        }
    }

    /// <summary>Closes the open block, then writes every held call whole.</summary>
    private void Close()
    {
        if (_open is not null)
        {
            _events.StopBlock();
            _open = null;
        }

        foreach (var (index, held) in _held)
        {
            _events.StartBlock("tool_use"u8, default, held.Id, held.Name);
            WriteArguments(held.Arguments.ToString());
            _events.StopBlock();
            _written.Add(index);
        }

        _held.Clear();
    }

    private sealed class HeldCall
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
