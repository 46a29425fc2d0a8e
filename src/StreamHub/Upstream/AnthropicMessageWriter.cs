using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Writes a chat as Anthropic's <c>system</c> and <c>messages</c>. System and developer messages, wherever they
/// stand, become the system prompt (a string, or text blocks when one of them has parts); user and assistant
/// messages keep their order with their content as blocks (<see cref="AnthropicBlocks"/>); an assistant's tool calls
/// become <c>tool_use</c> blocks after its content; each <c>tool</c> message becomes a <c>tool_result</c> block of a
/// user message. Consecutive messages of one role are merged into one (so consecutive tool results answer the
/// calls together, and a user message after them joins them), and a message left without blocks is left out:
/// Anthropic refuses empty content. A thinking block without a signature (one an OpenAI region thought, relayed to a
/// <c>/v1/messages</c> client) is left out too: Anthropic checks every signature it is sent.
/// </summary>
internal sealed class AnthropicMessageWriter(Utf8JsonWriter writer)
{
    private string? _open;

    public static void WriteSystem(Utf8JsonWriter writer, IReadOnlyList<ChatMessage> messages)
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
            var text = new System.Text.StringBuilder();
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

    public void WriteMessages(IReadOnlyList<ChatMessage> messages)
    {
        writer.WriteStartArray("messages"u8);
        foreach (var message in messages)
        {
            switch (message.Role)
            {
                case "system" or "developer":
                    break;
                case "tool":
                    WriteToolResult(message);
                    break;
                case "assistant":
                    WriteContent("assistant", message);
                    foreach (var call in message.ToolCalls ?? [])
                    {
                        WriteToolUse(call);
                    }

                    break;
                default:
                    WriteContent("user", message);
                    break;
            }
        }

        Close();
        writer.WriteEndArray();
    }

    /// <summary>
    /// Whether thinking may be asked for: not when the last assistant turn called tools without a signed thinking
    /// block first, which Anthropic refuses while thinking is on (it may be off for that turn).
    /// </summary>
    public static bool ThinkingMayContinue(IReadOnlyList<ChatMessage> messages)
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
                if (part.Type == "redacted_thinking" || IsSignedThinking(part))
                {
                    return true;
                }
            }

            return false;
        }

        return true;
    }

    private static bool IsSignedThinking(ContentPart part)
        => part.Type == "thinking" && part.Json.TryGetProperty("signature"u8, out var signature)
            && signature.ValueKind == JsonValueKind.String && signature.GetString() is { Length: > 0 };

    private static bool IsSystem(ChatMessage message) => message.Role is "system" or "developer";

    private void WriteContent(string role, ChatMessage message)
    {
        if (message.Parts is { } parts)
        {
            foreach (var part in parts)
            {
                if ((part.Type is "text" && string.IsNullOrEmpty(part.Text)) || (part.Type is "thinking" && !IsSignedThinking(part)))
                {
                    continue;
                }

                Open(role);
                AnthropicBlocks.TryWrite(writer, part);
            }
        }
        else if (!string.IsNullOrEmpty(message.Content))
        {
            Open(role);
            AnthropicBlocks.TryWriteText(writer, message.Content);
        }
    }

    private void WriteToolUse(ToolCall call)
    {
        if (call.Function is not { } function)
        {
            return; // a call of another type has no Anthropic counterpart
        }

        Open("assistant");
        writer.WriteStartObject();
        writer.WriteString("type"u8, "tool_use"u8);
        writer.WriteString("id"u8, call.Id);
        writer.WriteString("name"u8, function.Name);
        writer.WritePropertyName("input"u8);
        WriteInput(function.Arguments);
        writer.WriteEndObject();
    }

    /// <summary>The arguments as the JSON object Anthropic wants; none, or text that is not an object, as <c>{}</c>.</summary>
    private void WriteInput(string arguments)
    {
        try
        {
            using var document = JsonDocument.Parse(arguments);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                document.RootElement.WriteTo(writer);
                return;
            }
        }
        catch (JsonException)
        {
            // The model's arguments were cut short or malformed: Anthropic takes only an object.
        }

        writer.WriteStartObject();
        writer.WriteEndObject();
    }

    private void WriteToolResult(ChatMessage message)
    {
        Open("user");
        writer.WriteStartObject();
        writer.WriteString("type"u8, "tool_result"u8);
        writer.WriteString("tool_use_id"u8, message.ToolCallId ?? "");
        if (message.Parts is { } parts)
        {
            writer.WriteStartArray("content"u8);
            foreach (var part in parts)
            {
                AnthropicBlocks.TryWrite(writer, part);
            }

            writer.WriteEndArray();
        }
        else if (!string.IsNullOrEmpty(message.Content))
        {
            writer.WriteString("content"u8, message.Content);
        }

        if (message.Extra is { } extra && extra.TryGetValue(AnthropicOptionsForOpenAi.IsErrorField, out var isError))
        {
            writer.WritePropertyName("is_error"u8);
            isError.WriteTo(writer);
        }

        writer.WriteEndObject();
    }

    /// <summary>Opens a message of <paramref name="role"/> unless the open one has that role already.</summary>
    private void Open(string role)
    {
        if (_open == role)
        {
            return;
        }

        Close();
        writer.WriteStartObject();
        writer.WriteString("role"u8, role);
        writer.WriteStartArray("content"u8);
        _open = role;
    }

    private void Close()
    {
        if (_open is null)
        {
            return;
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        _open = null;
    }
}
