using System.Text.Json;

namespace StreamHub.Upstream;

/// <summary>
/// Reads one Anthropic stream event's JSON into an <see cref="AnthropicEvent"/> with <see cref="Utf8JsonReader"/>
/// in one pass; the hot delta types are shared strings, so a delta allocates only its text. Stateless: what the
/// events mean together is <see cref="AnthropicChunkParser"/>'s.
/// </summary>
internal static class AnthropicEventReader
{
    /// <summary>The event in <paramref name="data"/>, or false when it is not one JSON object.</summary>
    public static bool TryRead(ReadOnlySpan<byte> data, string eventType, out AnthropicEvent fields)
    {
        var reader = new Utf8JsonReader(data);
        fields = new AnthropicEvent { Type = eventType };
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

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
                ReadMessage(ref reader, ref fields);
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader, ref fields, withOutput: true);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
    }

    /// <summary>A <c>delta</c>, <c>content_block</c> or <c>error</c> object: its type and the members any of them may carry.</summary>
    private static void ReadInner(ref Utf8JsonReader reader, ref AnthropicEvent fields)
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
    private static void ReadMessage(ref Utf8JsonReader reader, ref AnthropicEvent fields)
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
                fields.Model = reader.TokenType == JsonTokenType.String ? reader.GetString() : fields.Model;
                if (reader.TokenType != JsonTokenType.String)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("usage"u8))
            {
                reader.Read();
                ReadUsage(ref reader, ref fields, withOutput: false);
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
    /// <c>message_delta</c>); <c>output_tokens</c> only <paramref name="withOutput"/> (message_start's is a placeholder).
    /// </summary>
    private static void ReadUsage(ref Utf8JsonReader reader, ref AnthropicEvent fields, bool withOutput)
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
                fields.InputTokens = value;
            }
            else if (name.SequenceEqual("cache_read_input_tokens"u8))
            {
                fields.CacheReadTokens = value;
            }
            else if (name.SequenceEqual("cache_creation_input_tokens"u8))
            {
                fields.CacheWriteTokens = value;
            }
            else if (withOutput && name.SequenceEqual("output_tokens"u8))
            {
                fields.OutputTokens = value;
            }
        }
    }
}
