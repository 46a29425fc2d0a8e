using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Reads one OpenAI-compatible <c>chat.completion.chunk</c> with <see cref="Utf8JsonReader"/>: no DOM, no
/// allocation beyond the strings it returns. Understands the dialects real upstreams send: OpenAI
/// (<c>content</c>, <c>refusal</c>, <c>tool_calls</c>, a usage chunk with empty <c>choices</c>), DeepSeek
/// (<c>reasoning_content</c>, usage on the finish chunk), Ollama (<c>reasoning</c>) and vLLM (an
/// <c>error</c> object mid-stream).
/// </summary>
internal static class ChunkParser
{
    private static ReadOnlySpan<byte> DoneSentinel => "[DONE]"u8;

    public static UpstreamChunk Parse(ReadOnlySpan<byte> data)
    {
        if (data.Trim((byte)' ').SequenceEqual(DoneSentinel))
        {
            return UpstreamChunk.Done;
        }

        try
        {
            var reader = new Utf8JsonReader(data);
            return ParseRoot(ref reader);
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

    private static UpstreamChunk ParseRoot(ref Utf8JsonReader reader)
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
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                chunk = chunk with { Usage = ParseUsage(ref reader) };
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
                // A refusal is what the model says to the user instead of an answer: it is shown as text.
                reader.Read();
                chunk = chunk with { Text = Concat(chunk.Text, ReadText(ref reader)) };
            }
            else if (reader.ValueTextEquals("reasoning_content"u8) || reader.ValueTextEquals("reasoning"u8))
            {
                reader.Read();
                chunk = chunk with { Reasoning = Concat(chunk.Reasoning, ReadText(ref reader)) };
            }
            else
            {
                // role, tool_calls, function_call, audio...: not text for the caller.
                reader.Read();
                reader.Skip();
            }
        }

        return chunk;
    }

    private static string? ReadText(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            reader.Skip();
            return null;
        }

        return reader.ValueSpan.Length == 0 && !reader.ValueIsEscaped ? null : reader.GetString();
    }

    private static string? Concat(string? a, string? b) => a is null ? b : b is null ? a : a + b;

    private static UsageInfo? ParseUsage(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return null;
        }

        int prompt = 0, completion = 0, total = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                reader.Read();
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                reader.Read();
                completion = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("total_tokens"u8))
            {
                reader.Read();
                total = ReadInt(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new UsageInfo(prompt, completion, total == 0 ? prompt + completion : total);
    }

    private static int ReadInt(ref Utf8JsonReader reader)
        => reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : 0;

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
