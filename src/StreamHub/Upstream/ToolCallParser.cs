using System.Text.Json;

namespace StreamHub.Upstream;

/// <summary>
/// Reads a delta's <c>tool_calls</c> array: <c>index</c> (absent in a non-streamed <c>message</c>, where the
/// position stands in), <c>id</c>, <c>function.name</c> and <c>function.arguments</c>. vLLM sends <c>null</c>
/// for the id and name after a call's first delta; Ollama sends each call whole in one delta. A delta with
/// nothing in it (an empty argument fragment, no id, no name) is dropped.
/// </summary>
internal static class ToolCallParser
{
    public static ToolCallDelta[]? Parse(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return null;
        }

        ToolCallDelta[]? calls = null;
        var count = 0;
        var position = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                reader.Skip();
                position++;
                continue;
            }

            var call = ParseCall(ref reader, position++);
            if (call.Id is null && call.Name is null && call.Arguments is null)
            {
                continue;
            }

            // Nearly always one call a delta: an array of exactly one, grown only for Ollama's several.
            if (calls is null)
            {
                calls = new ToolCallDelta[1];
            }
            else if (count == calls.Length)
            {
                Array.Resize(ref calls, count * 2);
            }

            calls[count++] = call;
        }

        if (calls is not null && count < calls.Length)
        {
            Array.Resize(ref calls, count);
        }

        return calls;
    }

    private static ToolCallDelta ParseCall(ref Utf8JsonReader reader, int position)
    {
        var index = position;
        string? id = null, name = null, arguments = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("index"u8))
            {
                reader.Read();
                index = reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var value) ? value : position;
            }
            else if (reader.ValueTextEquals("id"u8))
            {
                reader.Read();
                id = ChunkParser.ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("function"u8))
            {
                reader.Read();
                (name, arguments) = ParseFunction(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new ToolCallDelta(index, id, name, arguments);
    }

    private static (string? Name, string? Arguments) ParseFunction(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return (null, null);
        }

        string? name = null, arguments = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("name"u8))
            {
                reader.Read();
                name = ChunkParser.ReadText(ref reader);
            }
            else if (reader.ValueTextEquals("arguments"u8))
            {
                reader.Read();
                arguments = ChunkParser.ReadText(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return (name, arguments);
    }
}
