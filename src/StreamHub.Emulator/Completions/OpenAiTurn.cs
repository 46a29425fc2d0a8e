using System.Text.Json;
using StreamHub.Emulator.Conversation;

namespace StreamHub.Emulator.Completions;

/// <summary>Reads the dialect-neutral <see cref="TurnContext"/> from an OpenAI chat request.</summary>
internal static class OpenAiTurn
{
    public static TurnContext From(ChatRequest request, string prompt)
    {
        var messages = request.Messages!;
        var results = new List<string>();
        for (var i = messages.Count - 1; i >= 0 && messages[i].Role == "tool"; i--)
        {
            results.Insert(0, messages[i].ContentText());
        }

        var (choice, name) = Choice(request.ToolChoice);
        return new TurnContext
        {
            Prompt = prompt,
            Tools = [.. (request.Tools ?? []).Where(t => t.Type == "function" && t.Function?.Name is not null)
                .Select(t => new ToolSpec(t.Function!.Name!, t.Function.Parameters.ValueKind == JsonValueKind.Object ? t.Function.Parameters : null))],
            Choice = choice,
            ChoiceName = name,
            ToolResults = results,
            EndsWithUser = messages[^1].Role == "user",
            StopSequences = Strings(request.Stop),
        };
    }

    private static (ToolChoiceMode, string?) Choice(JsonElement choice)
    {
        if (choice.ValueKind == JsonValueKind.String)
        {
            return choice.GetString() switch
            {
                "none" => (ToolChoiceMode.None, null),
                "required" => (ToolChoiceMode.Required, null),
                _ => (ToolChoiceMode.Auto, null),
            };
        }

        if (choice.ValueKind == JsonValueKind.Object && choice.TryGetProperty("function", out var function)
            && function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
        {
            return (ToolChoiceMode.Named, name.GetString());
        }

        return (ToolChoiceMode.Auto, null);
    }

    private static List<string> Strings(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Array => [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)],
        _ => [],
    };
}
