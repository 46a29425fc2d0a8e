using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Anthropic;

/// <summary>
/// A non-streamed (<c>stream: false</c>) Messages API answer assembled from the request's events: its content blocks in
/// the order they began (thinking, text, each tool call with its fragments joined), the stop reason, the model the
/// upstream reported and the usage, written as one <c>message</c>.
/// </summary>
internal sealed class MessageAnswer
{
    private readonly List<Block> _blocks = [];
    private string _stopReason = "end_turn";
    private string? _model;
    private UsageReport? _usage;

    public void Add(CompletionEvent item)
    {
        switch (item.Kind)
        {
            case EventKind.Text or EventKind.Refusal:
                Last(EventKind.Text).Text.Append(item.Text);
                break;
            case EventKind.Reasoning:
                Last(EventKind.Reasoning).Text.Append(item.Text);
                break;
            case EventKind.ToolCall:
                var call = _blocks.Find(b => b.Kind == EventKind.ToolCall && b.Call == item.Index);
                if (call is null)
                {
                    _blocks.Add(call = new Block(EventKind.ToolCall, item.Index));
                }

                call.Id ??= item.Id;
                call.Name ??= item.Name;
                call.Text.Append(item.Arguments);
                break;
            case EventKind.Finish:
                _stopReason = AnthropicUsage.StopReasonOf(item.FinishReason);
                _model = item.Model;
                break;
            default:
                _usage = item.Usage;
                break;
        }
    }

    /// <summary>The <c>message</c>; <paramref name="model"/> when the upstream reported none.</summary>
    public async ValueTask<FlushResult> WriteAsync(PipeWriter body, string requestId, string model, CancellationToken cancellationToken)
    {
        await using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("id"u8, "msg_" + requestId);
            json.WriteString("type"u8, "message"u8);
            json.WriteString("role"u8, "assistant"u8);
            json.WriteString("model"u8, _model ?? model);
            json.WriteStartArray("content"u8);
            foreach (var block in _blocks)
            {
                WriteBlock(json, block, requestId);
            }

            json.WriteEndArray();
            json.WriteString("stop_reason"u8, _stopReason);
            json.WriteNull("stop_sequence"u8);
            AnthropicUsage.Write(json, _usage);
            json.WriteEndObject();
        }

        return await body.FlushAsync(cancellationToken);
    }

    private static void WriteBlock(Utf8JsonWriter json, Block block, string requestId)
    {
        json.WriteStartObject();
        switch (block.Kind)
        {
            case EventKind.Reasoning:
                json.WriteString("type"u8, "thinking"u8);
                json.WriteString("thinking"u8, block.Text.ToString());
                json.WriteString("signature"u8, ""u8);
                break;
            case EventKind.ToolCall:
                json.WriteString("type"u8, "tool_use"u8);
                json.WriteString("id"u8, block.Id ?? $"toolu_{requestId}_{block.Call}");
                json.WriteString("name"u8, block.Name ?? "");
                AnthropicBlocks.WriteInput(json, block.Text.ToString());
                break;
            default:
                json.WriteString("type"u8, "text"u8);
                json.WriteString("text"u8, block.Text.ToString());
                break;
        }

        json.WriteEndObject();
    }

    /// <summary>The last block when it is of <paramref name="kind"/>, else a new one: a run of one kind is one block.</summary>
    private Block Last(EventKind kind)
    {
        if (_blocks.Count > 0 && _blocks[^1].Kind == kind)
        {
            return _blocks[^1];
        }

        var block = new Block(kind, -1);
        _blocks.Add(block);
        return block;
    }

    private sealed class Block(EventKind kind, int call)
    {
        public EventKind Kind => kind;

        public int Call => call;

        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Text { get; } = new();
    }
}
