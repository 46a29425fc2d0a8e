using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>What StreamHub asks of an upstream region: the validated request, in the upstream's terms.</summary>
internal sealed record UpstreamCall(IReadOnlyList<ChatMessage> Messages, string Model, int? MaxTokens, double? Temperature)
{
    /// <summary>The OpenAI chat-completion body, written once and sent by every attempt.</summary>
    public byte[] ToRequestBody()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, Model);
            writer.WriteStartArray("messages"u8);
            foreach (var message in Messages)
            {
                writer.WriteStartObject();
                writer.WriteString("role"u8, message.Role);
                writer.WriteString("content"u8, message.Content);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteBoolean("stream"u8, true);
            writer.WriteStartObject("stream_options"u8);
            writer.WriteBoolean("include_usage"u8, true);
            writer.WriteEndObject();
            if (MaxTokens is { } maxTokens)
            {
                writer.WriteNumber("max_tokens"u8, maxTokens);
            }

            if (Temperature is { } temperature)
            {
                writer.WriteNumber("temperature"u8, temperature);
            }

            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }
}
