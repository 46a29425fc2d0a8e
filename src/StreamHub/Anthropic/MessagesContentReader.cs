using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Anthropic;

/// <summary>
/// Reads Anthropic's <c>system</c> and <c>messages</c> into the pipeline's chat, or an <c>invalid_request</c> naming the
/// field by Anthropic's path (<c>messages.1.content.0.tool_use_id: Field required</c>). Text blocks stay as they came
/// (their <c>cache_control</c> included); images become <c>image_url</c> parts (a base64 source as a <c>data:</c> URL);
/// an assistant's <c>tool_use</c> blocks become its tool calls; each <c>tool_result</c> becomes a <c>tool</c> message
/// (before the rest of its user message, as Anthropic orders them; <c>is_error</c> kept for Anthropic regions); thinking
/// and every other block are kept as they came for an Anthropic region (an OpenAI region leaves thinking out).
/// </summary>
internal static class MessagesContentReader
{
    public static List<ChatMessage> Read(JsonElement system, JsonElement messages, int maxMessages)
    {
        if (messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
        {
            throw Invalid("messages: Field required (a non-empty list of { role, content })");
        }

        if (messages.GetArrayLength() > maxMessages)
        {
            throw Invalid($"messages: holds {messages.GetArrayLength()} items; the limit is {maxMessages}");
        }

        var chat = new List<ChatMessage>(messages.GetArrayLength() + 1);
        switch (system.ValueKind)
        {
            case JsonValueKind.String:
                chat.Add(new ChatMessage("system", system.GetString()));
                break;
            case JsonValueKind.Array:
                chat.Add(ChatMessage.FromParts("system", [.. Blocks(system, "system", allowed: "text")]));
                break;
            case JsonValueKind.Undefined or JsonValueKind.Null:
                break;
            default:
                throw Invalid("system: Input should be a valid string or list of text blocks");
        }

        var i = 0;
        foreach (var message in messages.EnumerateArray())
        {
            Read(message, $"messages.{i++}", chat);
        }

        return chat;
    }

    private static void Read(JsonElement message, string path, List<ChatMessage> chat)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Invalid($"{path}: Input should be an object with role and content");
        }

        var role = message.TryGetProperty("role"u8, out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
        if (role is not ("user" or "assistant"))
        {
            throw Invalid($"{path}.role: Input should be 'user' or 'assistant'");
        }

        if (!message.TryGetProperty("content"u8, out var content))
        {
            throw Invalid($"{path}.content: Field required");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            chat.Add(new ChatMessage(role, content.GetString()));
            return;
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Invalid($"{path}.content: Input should be a valid string or list of blocks");
        }

        var parts = new List<ContentPart>();
        List<ToolCall>? calls = null;
        var j = 0;
        foreach (var block in content.EnumerateArray())
        {
            var at = $"{path}.content.{j++}";
            switch (TypeOf(block, at))
            {
                case "tool_use" when role == "assistant":
                    (calls ??= []).Add(ToolUse(block, at));
                    break;
                case "tool_result" when role == "user":
                    chat.Add(ToolResult(block, at));
                    break;
                case "tool_use" or "tool_result":
                    throw Invalid($"{at}.type: a {block.GetProperty("type"u8).GetString()} block belongs in {(role == "user" ? "an assistant" : "a user")} message");
                default:
                    parts.Add(Part(block, at));
                    break;
            }
        }

        if (parts.Count > 0 || calls is not null)
        {
            chat.Add(parts.Count > 0 ? ChatMessage.FromParts(role, parts) with { ToolCalls = calls } : ChatMessage.AssistantToolCalls(calls!));
        }
    }

    private static ToolCall ToolUse(JsonElement block, string at)
    {
        var input = block.TryGetProperty("input"u8, out var value) && value.ValueKind == JsonValueKind.Object
            ? value.GetRawText()
            : throw Invalid($"{at}.input: Input should be a valid dictionary");
        return new ToolCall(String(block, "id", at), new ToolCallFunction(String(block, "name", at), input));
    }

    private static ChatMessage ToolResult(JsonElement block, string at)
    {
        var id = String(block, "tool_use_id", at);
        var result = block.TryGetProperty("content"u8, out var content) ? content : default;
        var message = result.ValueKind switch
        {
            JsonValueKind.String => ChatMessage.ToolResult(id, result.GetString()!),
            JsonValueKind.Array => ChatMessage.FromParts("tool", [.. Blocks(result, $"{at}.content", allowed: null)]) with { ToolCallId = id },
            JsonValueKind.Undefined or JsonValueKind.Null => ChatMessage.ToolResult(id, ""),
            _ => throw Invalid($"{at}.content: Input should be a valid string or list of blocks"),
        };
        return block.TryGetProperty("is_error"u8, out var isError) && isError.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? message with { Extra = new Dictionary<string, JsonElement> { ["is_error"] = isError } }
            : message;
    }

    private static IEnumerable<ContentPart> Blocks(JsonElement blocks, string path, string? allowed)
    {
        var j = 0;
        foreach (var block in blocks.EnumerateArray())
        {
            var at = $"{path}.{j++}";
            if (allowed is not null && TypeOf(block, at) != allowed)
            {
                throw Invalid($"{at}.type: Input should be '{allowed}'");
            }

            yield return Part(block, at);
        }
    }

    /// <summary>A content block as a part: an image as <c>image_url</c>, anything else as it came.</summary>
    private static ContentPart Part(JsonElement block, string at)
    {
        switch (TypeOf(block, at))
        {
            case "text":
                _ = String(block, "text", at);
                return ContentPart.FromJson(block);
            case "image":
                var source = block.TryGetProperty("source"u8, out var s) && s.ValueKind == JsonValueKind.Object
                    ? s
                    : throw Invalid($"{at}.source: Field required");
                return String(source, "type", $"{at}.source") switch
                {
                    "base64" => ContentPart.FromImageUrl($"data:{String(source, "media_type", $"{at}.source")};base64,{String(source, "data", $"{at}.source")}"),
                    "url" => ContentPart.FromImageUrl(String(source, "url", $"{at}.source")),
                    _ => ContentPart.FromJson(block), // a file id: only an Anthropic region can read it
                };
            default:
                return ContentPart.FromJson(block);
        }
    }

    private static string TypeOf(JsonElement block, string at)
        => block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type"u8, out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()!
            : throw Invalid($"{at}.type: Field required");

    private static string String(JsonElement obj, string name, string at)
        => obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Invalid($"{at}.{name}: Field required");

    private static StreamHubException Invalid(string sentence) => new(ErrorCodes.InvalidRequest, sentence);
}
