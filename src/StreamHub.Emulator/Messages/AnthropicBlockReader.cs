using System.Text.Json;

namespace StreamHub.Emulator.Messages;

/// <summary>Reads message content (a string or blocks) and refuses blocks Anthropic would refuse, naming the field.</summary>
internal static class AnthropicBlockReader
{
    public static AnthropicMessage Message(JsonElement message, int i)
    {
        if (message.ValueKind != JsonValueKind.Object)
        {
            throw Bad($"messages.{i}: Input should be an object");
        }

        var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : null;
        if (role is not ("user" or "assistant" or "system"))
        {
            throw Bad($"messages.{i}.role: Input should be 'user' or 'assistant'");
        }

        if (!message.TryGetProperty("content", out var content))
        {
            throw Bad($"messages.{i}.content: Field required");
        }

        if (content.ValueKind == JsonValueKind.String)
        {
            return new AnthropicMessage(role, [new AnthropicBlock("text", content.GetString())], StringContent: true);
        }

        if (content.ValueKind != JsonValueKind.Array)
        {
            throw Bad($"messages.{i}.content: Input should be a valid string or list");
        }

        return new AnthropicMessage(role, [.. content.EnumerateArray().Select((b, j) => Block(b, $"messages.{i}.content.{j}"))], StringContent: false);
    }

    /// <summary>The text of a string or of text blocks (a system prompt, a tool result's content).</summary>
    public static string TextOf(JsonElement value, string path) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Array => string.Concat(value.EnumerateArray().Select((b, j) => Block(b, $"{path}.{j}")).Where(b => b.Type == "text").Select(b => b.Text)),
        JsonValueKind.Undefined or JsonValueKind.Null => string.Empty,
        _ => throw Bad($"{path}: Input should be a valid string or list"),
    };

    public static FormatException Bad(string message) => new(message);

    private static AnthropicBlock Block(JsonElement block, string path)
    {
        var type = block.ValueKind == JsonValueKind.Object && block.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String
            ? t.GetString()!
            : throw Bad($"{path}.type: Field required");
        switch (type)
        {
            case "text":
                return new AnthropicBlock(type, Text: String(block, "text", path));
            case "image":
                Image(block, path);
                return new AnthropicBlock(type);
            case "tool_use":
                var input = block.TryGetProperty("input", out var i) && i.ValueKind == JsonValueKind.Object
                    ? i.GetRawText()
                    : throw Bad($"{path}.input: Input should be a valid dictionary");
                return new AnthropicBlock(type, Id: String(block, "id", path), Name: String(block, "name", path), Input: input);
            case "tool_result":
                var text = block.TryGetProperty("content", out var c) ? TextOf(c, $"{path}.content") : string.Empty;
                return new AnthropicBlock(type, Text: text, ToolUseId: String(block, "tool_use_id", path));
            case "thinking":
                return new AnthropicBlock(type, Text: String(block, "thinking", path));
            default:
                return new AnthropicBlock(type);
        }
    }

    private static void Image(JsonElement block, string path)
    {
        if (!block.TryGetProperty("source", out var source) || source.ValueKind != JsonValueKind.Object)
        {
            throw Bad($"{path}.source: Field required");
        }

        switch (String(source, "type", $"{path}.source"))
        {
            case "base64":
                _ = String(source, "media_type", $"{path}.source");
                _ = String(source, "data", $"{path}.source");
                break;
            case "url":
                _ = String(source, "url", $"{path}.source");
                break;
            case "file":
                _ = String(source, "file_id", $"{path}.source");
                break;
            default:
                throw Bad($"{path}.source.type: Input should be 'base64', 'url' or 'file'");
        }
    }

    private static string String(JsonElement obj, string name, string path) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()!
            : throw Bad($"{path}.{name}: Field required");
}
