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
            var reader = new Utf8JsonReader(data);
            var chunk = ParseEvent(ref reader, eventType);
            return chunk.IsMalformed || chunk.IsDone || chunk.IsKeepAlive ? chunk : chunk with { Model = _model };
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

    private UpstreamChunk ParseEvent(ref Utf8JsonReader reader, string eventType)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return UpstreamChunk.Malformed;
        }

        var fields = new EventFields { Type = eventType };
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                fields.Type = reader.GetString() ?? eventType;
            }
            else if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                fields.Index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var index) ? index : 0;
            }
            else if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("content_block"u8) || reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                ReadInner(ref reader, ref fields);
            }
            else if (reader.ValueTextEquals("message"u8))
            {
                reader.Read();
                ReadMessage(ref reader);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader, ref fields);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return UpstreamChunk.Malformed;
        }

        return ToChunk(fields);
    }

    private UpstreamChunk ToChunk(EventFields fields)
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
                    Usage = fields.Output is { } output ? Usage(output) : null,
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

    private UsageInfo Usage(int output)
    {
        var prompt = _input + _cacheRead + _cacheWrite;
        return new UsageInfo(prompt, output, prompt + output, _cacheRead, ReasoningTokens: 0, _cacheWrite);
    }

    private static string? Empty(string? text) => string.IsNullOrEmpty(text) ? null : text;

    /// <summary>A <c>delta</c>, <c>content_block</c> or <c>error</c> object: its type and the members any of them may carry.</summary>
    private static void ReadInner(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            reader.Read();
            if (escaped || reader.TokenType != JsonTokenType.String)
            {
                reader.Skip();
                continue;
            }

            if (name.SequenceEqual("type"u8))
            {
                fields.InnerType = InnerType(ref reader);
            }
            else if (name.SequenceEqual("text"u8))
            {
                fields.Text = reader.GetString();
            }
            else if (name.SequenceEqual("thinking"u8))
            {
                fields.Thinking = reader.GetString();
            }
            else if (name.SequenceEqual("partial_json"u8))
            {
                fields.PartialJson = reader.GetString();
            }
            else if (name.SequenceEqual("id"u8))
            {
                fields.Id = reader.GetString();
            }
            else if (name.SequenceEqual("name"u8))
            {
                fields.Name = reader.GetString();
            }
            else if (name.SequenceEqual("stop_reason"u8))
            {
                fields.StopReason = reader.GetString();
            }
            else if (name.SequenceEqual("message"u8))
            {
                fields.Message = reader.GetString();
            }
        }
    }

    /// <summary>The hot types as shared strings, so a delta allocates only its text.</summary>
    private static string? InnerType(ref Utf8JsonReader reader)
        => reader.ValueTextEquals("text_delta"u8) ? "text_delta"
            : reader.ValueTextEquals("thinking_delta"u8) ? "thinking_delta"
            : reader.ValueTextEquals("input_json_delta"u8) ? "input_json_delta"
            : reader.GetString();

    /// <summary><c>message_start</c>'s message: the model and the prompt's usage.</summary>
    private void ReadMessage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                _model = reader.TokenType == JsonTokenType.String ? reader.GetString() : _model;
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                var ignored = default(EventFields);
                ReadUsage(ref reader, ref ignored);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    /// <summary>
    /// A usage object: the prompt's counts (on <c>message_start</c>, and repeated, cumulative, on a later
    /// <c>message_delta</c>) into the parser; <c>output_tokens</c> into <paramref name="fields"/>.
    /// </summary>
    private void ReadUsage(ref Utf8JsonReader reader, ref EventFields fields)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escaped = reader.ValueIsEscaped;
            reader.Read();
            if (escaped || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var value))
            {
                reader.Skip();
                continue;
            }

            if (name.SequenceEqual("input_tokens"u8))
            {
                _input = value;
            }
            else if (name.SequenceEqual("cache_read_input_tokens"u8))
            {
                _cacheRead = value;
            }
            else if (name.SequenceEqual("cache_creation_input_tokens"u8))
            {
                _cacheWrite = value;
            }
            else if (name.SequenceEqual("output_tokens"u8))
            {
                fields.Output = value;
            }
        }
    }

    /// <summary>What one event's JSON said, gathered in one pass whatever the order of its members.</summary>
    private struct EventFields
    {
        public string? Type;
        public int Index;
        public string? InnerType;
        public string? Text;
        public string? Thinking;
        public string? PartialJson;
        public string? Id;
        public string? Name;
        public string? StopReason;
        public string? Message;
        public int? Output;
    }
}
