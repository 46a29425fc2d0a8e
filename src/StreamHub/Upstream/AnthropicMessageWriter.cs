using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Writes a chat as Anthropic's <c>system</c> and <c>messages</c>. System and developer messages, wherever they
/// stand, become the system prompt (a string, or text blocks when one of them has parts); user and assistant
/// messages keep their order with their content as blocks (<see cref="AnthropicBlocks"/>); an assistant's tool calls
/// become <c>tool_use</c> blocks after its content; each <c>tool</c> message becomes a <c>tool_result</c> block of a
/// user message (the system prompt is <see cref="AnthropicSystemPrompt"/>'s). Consecutive messages of one role are merged into one (so consecutive tool results answer the
/// calls together, and a user message after them joins them), and a message left without blocks is left out:
/// Anthropic refuses empty content. A thinking block without a signature (one an OpenAI region thought, relayed to a
/// <c>/v1/messages</c> client) is left out too: Anthropic checks every signature it is sent.
/// </summary>
internal sealed class AnthropicMessageWriter(Utf8JsonWriter writer)
{
    private string? _open;

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

    private void WriteContent(string role, ChatMessage message)
    {
        if (message.Parts is { } parts)
        {
            foreach (var part in parts)
            {
                if ((part.Type is "text" && string.IsNullOrEmpty(part.Text)) || (part.Type is "thinking" && !AnthropicThinking.IsSigned(part)))
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
        AnthropicBlocks.WriteInput(writer, function.Arguments);
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
