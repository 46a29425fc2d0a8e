using System.Text;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Anthropic's <c>system</c>: the chat's system and developer messages, wherever they stand, joined into one string
/// (blank lines between), or written as text blocks when one of them has parts (so <c>cache_control</c> survives).
/// </summary>
internal static class AnthropicSystemPrompt
{
    public static void Write(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages)
    {
        var (count, withParts) = (0, false);
        foreach (var message in messages)
        {
            if (IsSystem(message))
            {
                count++;
                withParts |= message.Parts is not null;
            }
        }

        if (count == 0)
        {
            return;
        }

        if (!withParts)
        {
            var text = new StringBuilder();
            foreach (var message in messages)
            {
                if (IsSystem(message) && !string.IsNullOrEmpty(message.Content))
                {
                    text.Append(text.Length == 0 ? "" : "\n\n").Append(message.Content);
                }
            }

            writer.WriteString("system"u8, text.ToString());
            return;
        }

        writer.WriteStartArray("system"u8);
        foreach (var message in messages)
        {
            if (!IsSystem(message))
            {
                continue;
            }

            if (message.Parts is { } parts)
            {
                foreach (var part in parts)
                {
                    AnthropicBlocks.TryWrite(writer, part);
                }
            }
            else
            {
                AnthropicBlocks.TryWriteText(writer, message.Content);
            }
        }

        writer.WriteEndArray();
    }

    private static bool IsSystem(ChatMessage message) => message.Role is "system" or "developer";
}
