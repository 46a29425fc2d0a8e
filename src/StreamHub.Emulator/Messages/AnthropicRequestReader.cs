using System.Text.Json;
using StreamHub.Emulator.Conversation;

namespace StreamHub.Emulator.Messages;

/// <summary>
/// Reads a Messages API body and refuses what Anthropic refuses (400 <c>invalid_request_error</c>): no
/// <c>model</c>, no or a non-positive <c>max_tokens</c>, no messages, a malformed block, a tool without an
/// <c>input_schema</c>, a thinking budget under 1024 or not below <c>max_tokens</c>, and tool uses and tool
/// results that do not pair up between consecutive messages.
/// </summary>
internal static class AnthropicRequestReader
{
    /// <exception cref="FormatException">The message of the 400 to answer.</exception>
    public static AnthropicRequest Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw AnthropicBlockReader.Bad("The body must be a JSON object.");
        }

        var model = root.TryGetProperty("model", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : throw AnthropicBlockReader.Bad("model: Field required");
        var maxTokens = root.TryGetProperty("max_tokens", out var mt) && mt.ValueKind == JsonValueKind.Number && mt.TryGetInt32(out var n)
            ? n : throw AnthropicBlockReader.Bad("max_tokens: Field required");
        if (maxTokens < 1)
        {
            throw AnthropicBlockReader.Bad("max_tokens: Input should be greater than or equal to 1");
        }

        if (!root.TryGetProperty("messages", out var list) || list.ValueKind != JsonValueKind.Array || list.GetArrayLength() == 0)
        {
            throw AnthropicBlockReader.Bad("messages: Field required (at least one message)");
        }

        var messages = list.EnumerateArray().Select(AnthropicBlockReader.Message).ToList();
        CheckToolPairs(messages);
        var (tools, names) = Tools(root);
        var (choice, choiceName) = Choice(root);
        return new AnthropicRequest
        {
            Model = model,
            MaxTokens = maxTokens,
            Stream = root.TryGetProperty("stream", out var s) && s.ValueKind == JsonValueKind.True,
            System = root.TryGetProperty("system", out var system) ? AnthropicBlockReader.TextOf(system, "system") : null,
            Messages = messages,
            Tools = tools,
            ToolNames = names,
            Choice = choice,
            ChoiceName = choiceName,
            Thinking = Thinking(root, maxTokens),
            StopSequences = root.TryGetProperty("stop_sequences", out var stops) && stops.ValueKind == JsonValueKind.Array
                ? [.. stops.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!)] : [],
        };
    }

    private static void CheckToolPairs(List<AnthropicMessage> messages)
    {
        for (var i = 0; i < messages.Count; i++)
        {
            var uses = messages[i].Role == "assistant" ? messages[i].Blocks.Where(b => b.Type == "tool_use").Select(b => b.Id!).ToHashSet() : [];
            var next = i + 1 < messages.Count ? messages[i + 1] : null;
            var results = next?.Role == "user" ? next.Blocks.Where(b => b.Type == "tool_result").Select(b => b.ToolUseId!).ToHashSet() : [];
            if (next is not null && uses.Except(results).FirstOrDefault() is { } unanswered)
            {
                throw AnthropicBlockReader.Bad($"messages.{i + 1}: `tool_use` ids were found without `tool_result` blocks immediately after: {unanswered}. Each `tool_use` block must have a corresponding `tool_result` block in the next message.");
            }

            if (next is not null && results.Except(uses).FirstOrDefault() is { } unexpected)
            {
                throw AnthropicBlockReader.Bad($"messages.{i + 1}.content: unexpected `tool_use_id` found in `tool_result` blocks: {unexpected}. Each `tool_result` block must have a corresponding `tool_use` block in the previous message.");
            }
        }

        if (messages[0].HasToolResults)
        {
            throw AnthropicBlockReader.Bad("messages.0.content: unexpected `tool_use_id` found in `tool_result` blocks: the first message answers no `tool_use`.");
        }
    }

    private static (List<ToolSpec> Tools, List<string> Names) Tools(JsonElement root)
    {
        var (tools, names) = (new List<ToolSpec>(), new List<string>());
        if (!root.TryGetProperty("tools", out var list) || list.ValueKind != JsonValueKind.Array)
        {
            return (tools, names);
        }

        var i = 0;
        foreach (var tool in list.EnumerateArray())
        {
            var name = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String
                ? n.GetString()! : throw AnthropicBlockReader.Bad($"tools.{i}.name: Field required");
            var custom = !tool.TryGetProperty("type", out var type) || type.GetString() is "custom" or null;
            if (custom && !(tool.TryGetProperty("input_schema", out var schema) && schema.ValueKind == JsonValueKind.Object))
            {
                throw AnthropicBlockReader.Bad($"tools.{i}.custom.input_schema: Field required");
            }

            if (custom)
            {
                tools.Add(new ToolSpec(name, tool.GetProperty("input_schema").Clone()));
            }

            names.Add(name);
            i++;
        }

        return (tools, names);
    }

    private static (ToolChoiceMode, string?) Choice(JsonElement root)
    {
        if (!root.TryGetProperty("tool_choice", out var choice) || choice.ValueKind != JsonValueKind.Object)
        {
            return (ToolChoiceMode.Auto, null);
        }

        return choice.TryGetProperty("type", out var type) ? type.GetString() switch
        {
            "none" => (ToolChoiceMode.None, null),
            "any" => (ToolChoiceMode.Required, null),
            "tool" => (ToolChoiceMode.Named, choice.TryGetProperty("name", out var name) ? name.GetString() : throw AnthropicBlockReader.Bad("tool_choice.tool.name: Field required")),
            _ => (ToolChoiceMode.Auto, null),
        } : (ToolChoiceMode.Auto, null);
    }

    private static bool Thinking(JsonElement root, int maxTokens)
    {
        if (!root.TryGetProperty("thinking", out var thinking) || thinking.ValueKind != JsonValueKind.Object || !thinking.TryGetProperty("type", out var type))
        {
            return false;
        }

        if (type.GetString() == "adaptive")
        {
            return true;
        }

        if (type.GetString() != "enabled")
        {
            return false;
        }

        var budget = thinking.TryGetProperty("budget_tokens", out var b) && b.TryGetInt32(out var v) ? v : throw AnthropicBlockReader.Bad("thinking.enabled.budget_tokens: Field required");
        if (budget < 1024)
        {
            throw AnthropicBlockReader.Bad("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024");
        }

        return budget < maxTokens ? true : throw AnthropicBlockReader.Bad("`max_tokens` must be greater than `thinking.budget_tokens`.");
    }
}
