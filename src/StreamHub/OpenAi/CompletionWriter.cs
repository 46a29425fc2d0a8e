using System.Buffers;
using System.IO.Pipelines;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>
/// Writes one streamed response's <c>chat.completion.chunk</c> events straight into the response's
/// <see cref="PipeWriter"/>, each request event in OpenAI's shape: <c>delta.content</c>,
/// <c>delta.reasoning_content</c>, <c>delta.refusal</c>, <c>delta.tool_calls</c>, <c>finish_reason</c>, <c>usage</c>
/// with its details. The id, model (as the upstream reported it) and timestamp are encoded once; a token
/// costs its own text and nothing else. Each event is flushed as soon as it is written, and the flush
/// waits while the client is slow, so a slow reader slows its own upstream read.
/// </summary>
internal sealed class CompletionWriter(PipeWriter body, string requestId, string model, long created) : IAsyncDisposable
{
    private readonly Utf8JsonWriter _json = new(body);
    private readonly JsonEncodedText _id = JsonEncodedText.Encode("chatcmpl-" + requestId);
    private readonly JsonEncodedText _model = JsonEncodedText.Encode(model);

    /// <summary>The first event: the assistant role with empty content, as OpenAI opens every stream.</summary>
    public ValueTask<FlushResult> RoleAsync(CancellationToken cancellationToken)
    {
        StartEvent();
        StartChunk();
        StartChoice();
        _json.WriteString("role"u8, "assistant"u8);
        _json.WriteString("content"u8, ""u8);
        EndChoice(finishReason: null);
        return EndEventAsync(cancellationToken);
    }

    /// <summary>One content event (text, reasoning, refusal or a tool-call delta) as a chunk's delta.</summary>
    public ValueTask<FlushResult> DeltaAsync(CompletionEvent item, CancellationToken cancellationToken)
    {
        StartEvent();
        StartChunk();
        StartChoice();
        switch (item.Kind)
        {
            case EventKind.Text:
                _json.WriteString("content"u8, item.Text);
                break;
            case EventKind.Reasoning:
                _json.WriteString("reasoning_content"u8, item.Text);
                break;
            case EventKind.Refusal:
                _json.WriteString("refusal"u8, item.Text);
                break;
            default:
                _json.WriteStartArray("tool_calls"u8);
                OpenAiToolCall.Write(_json, item.Index, item.Id, item.Name, item.Arguments);
                _json.WriteEndArray();
                break;
        }

        EndChoice(finishReason: null);
        return EndEventAsync(cancellationToken);
    }

    /// <summary>The empty delta that carries the finish reason.</summary>
    public ValueTask<FlushResult> FinishAsync(string finishReason, CancellationToken cancellationToken)
    {
        StartEvent();
        StartChunk();
        StartChoice();
        EndChoice(finishReason);
        return EndEventAsync(cancellationToken);
    }

    /// <summary>The usage chunk (<c>stream_options.include_usage</c>): no choices, only usage.</summary>
    public ValueTask<FlushResult> UsageAsync(UsageReport usage, CancellationToken cancellationToken)
    {
        StartEvent();
        StartChunk();
        _json.WriteEndArray();
        OpenAiUsage.Write(_json, usage);
        _json.WriteEndObject();
        return EndEventAsync(cancellationToken);
    }

    /// <summary>An error after the stream started: <c>data: {"error":{...}}</c>; the caller then ends the stream.</summary>
    public ValueTask<FlushResult> ErrorAsync(StreamHubException failure, CancellationToken cancellationToken)
    {
        StartEvent();
        OpenAiError.Write(_json, failure);
        return EndEventAsync(cancellationToken);
    }

    public ValueTask<FlushResult> DoneAsync(CancellationToken cancellationToken)
    {
        body.Write("data: [DONE]\n\n"u8);
        return body.FlushAsync(cancellationToken);
    }

    public ValueTask DisposeAsync() => _json.DisposeAsync();

    private void StartEvent()
    {
        body.Write("data: "u8);
        _json.Reset();
    }

    private void StartChunk()
    {
        _json.WriteStartObject();
        _json.WriteString("id"u8, _id);
        _json.WriteString("object"u8, "chat.completion.chunk"u8);
        _json.WriteNumber("created"u8, created);
        _json.WriteString("model"u8, _model);
        _json.WriteStartArray("choices"u8);
    }

    private void StartChoice()
    {
        _json.WriteStartObject();
        _json.WriteNumber("index"u8, 0);
        _json.WriteStartObject("delta"u8);
    }

    /// <summary>Closes the delta, the choice, the choices array and the chunk.</summary>
    private void EndChoice(string? finishReason)
    {
        _json.WriteEndObject();
        _json.WriteNull("logprobs"u8);
        if (finishReason is null)
        {
            _json.WriteNull("finish_reason"u8);
        }
        else
        {
            _json.WriteString("finish_reason"u8, finishReason);
        }

        _json.WriteEndObject();
        _json.WriteEndArray();
        _json.WriteEndObject();
    }

    private ValueTask<FlushResult> EndEventAsync(CancellationToken cancellationToken)
    {
        _json.Flush();
        body.Write("\n\n"u8);
        return body.FlushAsync(cancellationToken);
    }
}
