using System.Text.Json;

namespace StreamHub.Benchmarks.Load;

/// <summary>What a consumer needs from one SSE event: its kind, and for text the emit stamp at the end of it.</summary>
internal readonly record struct SseChunk(int Kind, long Emitted)
{
    public const int Other = 0;
    public const int Content = 1;
    public const int Done = 2;
    public const int Error = 3;

    public static SseChunk Parse(ReadOnlySpan<byte> data)
    {
        if (data.SequenceEqual("[DONE]"u8))
        {
            return new SseChunk(Done, 0);
        }

        var reader = new Utf8JsonReader(data);
        while (reader.Read())
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            if (reader.CurrentDepth == 1 && reader.ValueTextEquals("error"u8))
            {
                return new SseChunk(Error, 0);
            }

            if (reader.ValueTextEquals("content"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.String && (reader.ValueSpan.Length > 0 || reader.ValueIsEscaped))
                {
                    // The stamp is ASCII digits after the last '@', never escaped; the word before it may be.
                    return new SseChunk(Content, Prompts.Stamp(reader.ValueSpan));
                }
            }
        }

        return new SseChunk(Other, 0);
    }
}
