using System.Text.Json;

namespace StreamHub.Upstream;

/// <summary>
/// Reads one OpenAI-compatible <c>chat.completion.chunk</c> with <see cref="Utf8JsonReader"/>: no DOM, no
/// allocation beyond the strings it returns (and an array for a chunk with tool calls). Understands the
/// dialects real upstreams send: OpenAI (<c>content</c>, <c>refusal</c>, <c>tool_calls</c>, a usage chunk with
/// empty <c>choices</c>, usage details), DeepSeek (<c>reasoning_content</c>, usage on the finish chunk,
/// <c>prompt_cache_hit_tokens</c>), Ollama (<c>reasoning</c>, whole tool calls) and vLLM (<c>null</c> members,
/// an <c>error</c> object mid-stream). See <see cref="ToolCallParser"/> and <see cref="UsageParser"/>.
/// </summary>
internal static class ChunkParser
{
    private static ReadOnlySpan<byte> DoneSentinel => "[DONE]"u8;

    /// <param name="knownModel">
    /// The model an earlier chunk of the same stream reported: when this chunk reports the same, its string is
    /// reused, so the model costs one allocation a stream, not one a token.
    /// </param>
    public static UpstreamChunk Parse(ReadOnlySpan<byte> data, string? knownModel = null)
    {
        if (data.Trim((byte)' ').SequenceEqual(DoneSentinel))
        {
            return UpstreamChunk.Done;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            return ParseRoot(ref reader, knownModel);
        }
        catch (JsonException)
        {
            return UpstreamChunk.Malformed;
        }
        catch (InvalidOperationException)
        {
            // A value of the wrong type (a number where a string belongs) is as malformed as bad syntax.
            return UpstreamChunk.Malformed;
        }
    }

    /// <summary>A string value; null for JSON null, another type (skipped) or an empty, unescaped string.</summary>
    internal static string? ReadText(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        return reader.ValueSpan.Length == 0 && !reader.ValueIsEscaped ? null : reader.GetString();
    }

    private static UpstreamChunk ParseRoot(ref Utf8JsonReader reader, string? knownModel)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return UpstreamChunk.Malformed;
        }

        var chunk = new UpstreamChunk();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("choices"u8))
            {
                reader.Read();
                chunk = ParseChoices(ref reader, chunk);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                reader.Read();
                chunk = chunk with { Model = ReadModel(ref reader, knownModel) };
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                chunk = chunk with { Usage = UsageParser.Parse(ref reader) };
            }
            else if (reader.ValueTextEquals("error"u8))
            {
                reader.Read();
                chunk = chunk with { Error = ParseError(ref reader) };
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            return UpstreamChunk.Malformed;
        }

        // Trailing bytes after the object mean the event was not one JSON value.
        return reader.Read() ? UpstreamChunk.Malformed : chunk;
    }

    private static string? ReadModel(ref Utf8JsonReader reader, string? knownModel)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        return knownModel is not null && reader.ValueTextEquals(knownModel) ? knownModel : ReadText(ref reader);
    }

    private static UpstreamChunk ParseChoices(ref Utf8JsonReader reader, UpstreamChunk chunk)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return chunk;
        }

        var first = true;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            // StreamHub asks for one choice (n = 1); further choices are read past, not merged.
            if (!first || reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                continue;
            }

            first = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("delta"u8) || reader.ValueTextEquals("message"u8))
                {
                    reader.Read();
                    chunk = ParseDelta(ref reader, chunk);
                }
                else if (reader.ValueTextEquals("finish_reason"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        chunk = chunk with { FinishReason = FinishReasons.Intern(ref reader) };
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }

        return chunk;
    }

    private static UpstreamChunk ParseDelta(ref Utf8JsonReader reader, UpstreamChunk chunk)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return chunk;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                chunk = chunk with { Text = Concat(chunk.Text, ReadText(ref reader)) };
            }
            else if (reader.ValueTextEquals("refusal"u8))
            {
                reader.Read();
                chunk = chunk with { Refusal = Concat(chunk.Refusal, ReadText(ref reader)) };
            }
            else if (reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8))
            {
                reader.Read();
                chunk = chunk with { Reasoning = Concat(chunk.Reasoning, ReadText(ref reader)) };
            }
            else if (reader.ValueTextEquals("tool_calls"u8))
            {
                reader.Read();
                chunk = chunk with { ToolCalls = ToolCallParser.Parse(ref reader) ?? chunk.ToolCalls };
            }
            else
            {
                // role, function_call (deprecated), audio, reasoning_details...: not events for the caller.
                reader.Read();
                reader.Skip();
            }
        }

        return chunk;
    }

    private static string? Concat(string? a, string? b) => a is null ? b : b is null ? a : a + b;

    private static string ParseError(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.GetString() ?? "the upstream reported an error";
            case JsonTokenType.StartObject:
                string? message = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isMessage = reader.ValueTextEquals("message"u8);
                    reader.Read();
                    if (isMessage && reader.TokenType == JsonTokenType.String)
                    {
                        message = reader.GetString();
                    }
                    else
                    {
                        reader.Skip();
                    }
                }

                return string.IsNullOrEmpty(message) ? "the upstream reported an error" : message;
            default:
                reader.Skip();
                return "the upstream reported an error";
        }
    }
}
