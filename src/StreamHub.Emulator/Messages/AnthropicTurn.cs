using StreamHub.Emulator.Conversation;

namespace StreamHub.Emulator.Messages;

/// <summary>Reads the dialect-neutral <see cref="TurnContext"/> from a Messages API request.</summary>
internal static class AnthropicTurn
{
    /// <summary>The message whose text carries the prompt (and any directive): the last user message with text.</summary>
    public static AnthropicMessage PromptMessage(AnthropicRequest request) =>
        request.Messages.LastOrDefault(m => m.Role == "user" && m.Text.Length > 0) ?? request.Messages[^1];

    public static TurnContext From(AnthropicRequest request, string prompt)
    {
        var last = request.Messages[^1];
        return new TurnContext
        {
            Prompt = prompt,
            Tools = request.Tools,
            Choice = request.Choice,
            ChoiceName = request.ChoiceName,
            ToolResults = last.Role == "user" ? [.. last.Blocks.Where(b => b.Type == "tool_result").Select(b => b.Text ?? string.Empty)] : [],
            EndsWithUser = last.Role == "user" && !last.HasToolResults,
            StopSequences = request.StopSequences,
        };
    }
}
