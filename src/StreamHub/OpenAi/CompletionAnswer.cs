using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>
/// A non-streamed (<c>stream: false</c>) answer assembled from the request's events (the text, the reasoning,
/// the refusal, each tool call whole with its argument fragments joined in order, the finish reason, the model
/// the upstream reported, the usage) and written as one <c>chat.completion</c>.
/// </summary>
internal sealed class CompletionAnswer
{
    private readonly StringBuilder _text = new();
    private readonly StringBuilder _reasoning = new();
    private readonly StringBuilder _refusal = new();
    private readonly List<Call> _calls = [];

    public string? Text => _text.Length == 0 ? null : _text.ToString();

    public string? Reasoning => _reasoning.Length == 0 ? null : _reasoning.ToString();

    public string? Refusal => _refusal.Length == 0 ? null : _refusal.ToString();

    public string FinishReason { get; private set; } = "stop";

    public string? Model { get; private set; }

    public UsageReport? Usage { get; private set; }

    public void Add(CompletionEvent item)
    {
        switch (item.Kind)
        {
            case EventKind.Text:
                _text.Append(item.Text);
                break;
            case EventKind.Reasoning:
                _reasoning.Append(item.Text);
                break;
            case EventKind.Refusal:
                _refusal.Append(item.Text);
                break;
            case EventKind.ToolCall:
                var call = _calls.Find(c => c.Index == item.Index);
                if (call is null)
                {
                    call = new Call(item.Index);
                    _calls.Add(call);
                }

                call.Id ??= item.Id;
                call.Name ??= item.Name;
                call.Arguments.Append(item.Arguments);
                break;
            case EventKind.Finish:
                FinishReason = item.FinishReason ?? FinishReason;
                Model = item.Model;
                break;
            default:
                Usage = item.Usage;
                break;
        }
    }

    /// <summary>The <c>chat.completion</c>; <paramref name="model"/> when the upstream reported none.</summary>
    public async ValueTask<FlushResult> WriteAsync(PipeWriter body, string requestId, string model, long created, CancellationToken cancellationToken)
    {
        await using (var json = new Utf8JsonWriter(body))
        {
            json.WriteStartObject();
            json.WriteString("id"u8, "chatcmpl-" + requestId);
            json.WriteString("object"u8, "chat.completion"u8);
            json.WriteNumber("created"u8, created);
            json.WriteString("model"u8, Model ?? model);
            json.WriteStartArray("choices"u8);
            json.WriteStartObject();
            json.WriteNumber("index"u8, 0);
            WriteMessage(json);
            json.WriteNull("logprobs"u8);
            json.WriteString("finish_reason"u8, FinishReason);
            json.WriteEndObject();
            json.WriteEndArray();
            if (Usage is { } usage)
            {
                OpenAiUsage.Write(json, usage);
            }

            json.WriteEndObject();
        }

        return await body.FlushAsync(cancellationToken);
    }

    private void WriteMessage(Utf8JsonWriter json)
    {
        json.WriteStartObject("message"u8);
        json.WriteString("role"u8, "assistant"u8);

        // As OpenAI answers: content is null when the model only called tools or refused.
        if (Text is { } text)
        {
            json.WriteString("content"u8, text);
        }
        else if (_calls.Count > 0 || _refusal.Length > 0)
        {
            json.WriteNull("content"u8);
        }
        else
        {
            json.WriteString("content"u8, ""u8);
        }

        json.WriteString("refusal"u8, Refusal);
        if (Reasoning is { } reasoning)
        {
            json.WriteString("reasoning_content"u8, reasoning);
        }

        if (_calls.Count > 0)
        {
            json.WriteStartArray("tool_calls"u8);
            _calls.Sort(static (a, b) => a.Index.CompareTo(b.Index));
            foreach (var call in _calls)
            {
                OpenAiToolCall.Write(json, index: null, call.Id, call.Name, call.Arguments.ToString());
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private sealed class Call(int index)
    {
        public int Index => index;

        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();
    }
}
