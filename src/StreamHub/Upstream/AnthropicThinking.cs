using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Which thinking may go back to Anthropic: it checks every thinking block's signature, so one without (thought by
/// an OpenAI-dialect region and relayed to a <c>/v1/messages</c> client) is left out, and it refuses thinking on a
/// turn that follows tool calls made without signed thinking.
/// </summary>
internal static class AnthropicThinking
{
    /// <summary>
    /// Whether thinking may be asked for: not when the last assistant turn called tools without a signed thinking
    /// block first, which Anthropic refuses while thinking is on (it may be off for that turn).
    /// </summary>
    public static bool MayContinue(IReadOnlyList<ChatMessage> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            var message = messages[i];
            if (message.Role != "assistant")
            {
                continue;
            }

            if (message.ToolCalls is null)
            {
                return true;
            }

            foreach (var part in message.Parts ?? [])
            {
                if (part.Type == "redacted_thinking" || IsSigned(part))
                {
                    return true;
                }
            }

            return false;
        }

        return true;
    }

    /// <summary>A <c>thinking</c> block with its signature (one Anthropic wrote), which Anthropic accepts back.</summary>
    public static bool IsSigned(ContentPart part)
        => part.Type == "thinking" && part.Json.TryGetProperty("signature"u8, out var signature)
            && signature.ValueKind == JsonValueKind.String && signature.GetString() is { Length: > 0 };
}
