using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Reads one Anthropic Messages stream into the chunks OpenAI's yield (one parser per stream: it remembers the
/// model, the prompt's usage and which content block is which tool call). <c>message_start</c> gives the model and
/// the prompt's tokens; <c>text_delta</c> is text, <c>thinking_delta</c> reasoning, a <c>tool_use</c> block's start
/// a tool call's index, id and name, and its <c>input_json_delta</c>s the call's argument fragments;
/// <c>message_delta</c> carries the finish (<see cref="FinishOf"/>) and the usage (<c>cache_read_input_tokens</c>
/// cached, <c>cache_creation_input_tokens</c> written to the cache, both inside the prompt tokens as OpenAI counts
/// them); <c>message_stop</c> is <c>[DONE]</c>; <c>ping</c> is a keep-alive; an <c>error</c> event is the upstream's
/// error. Signatures, citations and other blocks carry nothing for the caller.
/// </summary>
internal sealed class AnthropicChunkParser
{
    // Content block index → tool call index (calls are numbered from 0 in the order their blocks start).
    private readonly Dictionary<int, int> _calls = [];
    private string? _model;
    private int _input;
    private int _cacheRead;
    private int _cacheWrite;

    /// <summary>Anthropic's <c>stop_reason</c> as OpenAI's finish reason.</summary>
    public static string FinishOf(string stopReason) => stopReason switch
    {
        "max_tokens" or "model_context_window_exceeded" => FinishReasons.Length,
        "tool_use" => FinishReasons.ToolCalls,
        "refusal" => FinishReasons.ContentFilter,
        _ => FinishReasons.Stop, // end_turn, stop_sequence, pause_turn
    };

    public UpstreamChunk Parse(string eventType, ReadOnlySpan<byte> data)
    {
        try
        {
            if (!AnthropicEventReader.TryRead(data, eventType, out var fields))
            {
                return UpstreamChunk.Malformed;
            }

            Remember(in fields);
            var chunk = ToChunk(in fields);
            return chunk.IsDone || chunk.IsKeepAlive ? chunk : chunk with { Model = _model };
        }
        catch (JsonException)
        {
            return UpstreamChunk.Malformed;
        }
        catch (InvalidOperationException)
        {
            return UpstreamChunk.Malformed;
        }
    }

    private UpstreamChunk ToChunk(in AnthropicEvent fields)
    {
        switch (fields.Type)
        {
            case "content_block_start" when fields.InnerType == "tool_use":
                var call = _calls.Count;
                _calls[fields.Index] = call;
                return new() { ToolCalls = [new ToolCallDelta(call, fields.Id, fields.Name, null)] };
            case "content_block_start" or "content_block_delta":
                return fields.InnerType switch
                {
                    "text" or "text_delta" => new() { Text = Empty(fields.Text) },
                    "thinking" or "thinking_delta" => new() { Reasoning = Empty(fields.Thinking) },
                    "input_json_delta" when _calls.TryGetValue(fields.Index, out var index) && !string.IsNullOrEmpty(fields.PartialJson) =>
                        new() { ToolCalls = [new ToolCallDelta(index, null, null, fields.PartialJson)] },
                    _ => default,
                };
            case "message_delta":
                return new()
                {
                    FinishReason = fields.StopReason is { } stop ? FinishOf(stop) : null,
                    Usage = fields.OutputTokens is { } output ? Usage(output) : null,
                };
            case "message_stop":
                return UpstreamChunk.Done;
            case "ping":
                return UpstreamChunk.KeepAlive;
            case "error":
                var said = fields.Message ?? "the upstream reported an error";
                return new() { Error = fields.InnerType is { } kind ? $"{kind}: {said}" : said };
            default:
                return default; // message_start (read into the parser), content_block_stop, signature and citation deltas
        }
    }

    /// <summary>The model and the prompt's counts, which later events (the finish's usage) are reported with.</summary>
    private void Remember(in AnthropicEvent fields)
    {
        _model = fields.Model ?? _model;
        _input = fields.InputTokens ?? _input;
        _cacheRead = fields.CacheReadTokens ?? _cacheRead;
        _cacheWrite = fields.CacheWriteTokens ?? _cacheWrite;
    }

    private UsageInfo Usage(int output)
    {
        var prompt = _input + _cacheRead + _cacheWrite;
        return new UsageInfo(prompt, output, prompt + output, _cacheRead, ReasoningTokens: 0, _cacheWrite);
    }

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
