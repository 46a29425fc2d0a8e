using System.Text.Json;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// Refuses what OpenAI refuses, so a gateway that sends a malformed chat fails against the emulator too: an
/// unknown role, a missing <c>content</c> (null only beside an assistant's <c>tool_calls</c>), a part without
/// a type, a <c>tool</c> message that answers no earlier tool call, a function tool without a name.
/// </summary>
internal static class ChatRequestValidator
{
    private static readonly HashSet<string> Roles = new(StringComparer.Ordinal) { "system", "developer", "user", "assistant", "tool", "function" };

    public static OpenAiError? Validate(ChatRequest request)
    {
        if (request.Messages is not { Count: > 0 } messages)
        {
            return OpenAiError.Invalid("messages", "'messages' must be a non-empty array.");
        }

        if ((request.MaxCompletionTokens ?? request.MaxTokens) is < 1)
        {
            return OpenAiError.Invalid(request.MaxCompletionTokens is null ? "max_tokens" : "max_completion_tokens", "'max_tokens' must be at least 1.");
        }

        var callIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < messages.Count; i++)
        {
            if (Message(messages[i], i, callIds) is { } error)
            {
                return error;
            }
        }

        return Tools(request.Tools);
    }

    private static OpenAiError? Message(ChatMessage message, int i, HashSet<string> callIds)
    {
        if (message.Role is null || !Roles.Contains(message.Role))
        {
            return OpenAiError.Invalid($"messages[{i}].role",
                $"Invalid value: '{message.Role}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.");
        }

        var hasCalls = message.ToolCalls is { Count: > 0 };
        if (message.ContentIsNull && !(message.Role == "assistant" && hasCalls))
        {
            return OpenAiError.Invalid($"messages[{i}].content", $"Missing required parameter: 'messages[{i}].content'.");
        }

        if (message.Content.ValueKind is not (JsonValueKind.String or JsonValueKind.Array or JsonValueKind.Null or JsonValueKind.Undefined))
        {
            return OpenAiError.Invalid($"messages[{i}].content", $"Invalid type for 'messages[{i}].content': expected a string, an array or null.");
        }

        if (message.PartTypes().Contains("?"))
        {
            return OpenAiError.Invalid($"messages[{i}].content", $"Every part of 'messages[{i}].content' must be an object with a 'type'.");
        }

        foreach (var call in message.ToolCalls ?? [])
        {
            if (string.IsNullOrEmpty(call.Id) || string.IsNullOrEmpty(call.Function?.Name))
            {
                return OpenAiError.Invalid($"messages[{i}].tool_calls", "Every tool call needs an 'id' and a 'function.name'.");
            }

            callIds.Add(call.Id);
        }

        if (message.Role == "tool" && (message.ToolCallId is null || !callIds.Contains(message.ToolCallId)))
        {
            return OpenAiError.Invalid($"messages[{i}].tool_call_id",
                $"Invalid parameter: messages with role 'tool' must be a response to a preceding message with 'tool_calls' (tool_call_id '{message.ToolCallId}').");
        }

        return null;
    }

    private static OpenAiError? Tools(List<ChatTool>? tools)
    {
        for (var i = 0; i < (tools?.Count ?? 0); i++)
        {
            var tool = tools![i];
            if (tool.Type == "function" && string.IsNullOrEmpty(tool.Function?.Name))
            {
                return OpenAiError.Invalid($"tools[{i}].function.name", $"Missing required parameter: 'tools[{i}].function.name'.");
            }
        }

        return null;
    }
}
