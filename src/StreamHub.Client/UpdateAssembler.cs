using System.Text;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StreamHub.Client;

/// <summary>
/// Turns one request's events into <see cref="ChatResponseUpdate"/>s: text and reasoning as they come; tool calls,
/// a refusal, usage, the model and the finish reason gathered into one final update, where each tool call appears
/// once with its complete arguments.
/// </summary>
internal sealed class UpdateAssembler(string responseId)
{
    private readonly SortedDictionary<int, ToolCallBuilder> _calls = [];
    private StringBuilder? _refusal;
    private string? _finishReason;
    private string? _model;
    private StreamHubUsage? _usage;

    /// <summary>The update to pass on now, or null when the event is kept for the final update.</summary>
    public ChatResponseUpdate? Add(StreamHubEvent item)
    {
        switch (item.Type)
        {
            case null or "text":
                return string.IsNullOrEmpty(item.Text) ? null : Update(item, new TextContent(item.Text));
            case "reasoning":
                return string.IsNullOrEmpty(item.Text) ? null : Update(item, new TextReasoningContent(item.Text));
            case "refusal":
                (_refusal ??= new StringBuilder()).Append(item.Text);
                return null;
            case "toolCall":
                var index = item.Index ?? 0;
                if (!_calls.TryGetValue(index, out var call))
                {
                    _calls[index] = call = new ToolCallBuilder();
                }

                call.Id ??= item.Id;
                call.Name ??= item.Name;
                call.Arguments.Append(item.Arguments);
                return null;
            case "finish":
                _finishReason = item.FinishReason ?? _finishReason;
                _model = item.Model ?? _model;
                return null;
            case "usage":
                _usage = item.Usage ?? _usage;
                return null;
            default:
                return null; // an event type this client does not know yet
        }
    }

    /// <summary>The last update: complete tool calls, refusal, usage, model and finish reason; null when there is none of them.</summary>
    public ChatResponseUpdate? Complete()
    {
        var contents = new List<AIContent>();
        foreach (var (index, call) in _calls)
        {
            contents.Add(call.Build(responseId, index));
        }

        if (_refusal is not null)
        {
            contents.Add(new ErrorContent(_refusal.ToString()) { ErrorCode = "Refusal" });
        }

        if (_usage is not null)
        {
            contents.Add(new UsageContent(new UsageDetails
            {
                InputTokenCount = _usage.PromptTokens,
                OutputTokenCount = _usage.CompletionTokens,
                TotalTokenCount = _usage.TotalTokens,
                CachedInputTokenCount = _usage.CachedPromptTokens,
                ReasoningTokenCount = _usage.ReasoningTokens,
            }));
        }

        if (contents.Count == 0 && _finishReason is null && _model is null)
        {
            return null;
        }

        var update = new ChatResponseUpdate(ChatRole.Assistant, contents)
        {
            ResponseId = responseId,
            MessageId = responseId,
            ModelId = _model ?? _usage?.Model,
            FinishReason = FinishReason(_finishReason),
        };
        if (_usage?.Cost is { } cost)
        {
            (update.AdditionalProperties ??= [])["cost"] = cost;
        }

        if (_usage?.Region is { } region)
        {
            (update.AdditionalProperties ??= [])["region"] = region;
        }

        return update;
    }

    private ChatResponseUpdate Update(StreamHubEvent item, AIContent content) => new(ChatRole.Assistant, [content])
    {
        ResponseId = responseId,
        MessageId = responseId,
        RawRepresentation = item,
    };

    private static ChatFinishReason? FinishReason(string? reason) => reason switch
    {
        null => null,
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        _ => new ChatFinishReason(reason),
    };

    /// <summary>One tool call's fragments as they arrive.</summary>
    private sealed class ToolCallBuilder
    {
        public string? Id { get; set; }

        public string? Name { get; set; }

        public StringBuilder Arguments { get; } = new();

        public FunctionCallContent Build(string responseId, int index)
        {
            var json = Arguments.Length == 0 ? "{}" : Arguments.ToString();
            return FunctionCallContent.CreateFromParsedArguments(
                json,
                Id ?? $"{responseId}_{index}",
                Name ?? "",
                static text => JsonSerializer.Deserialize<Dictionary<string, object?>>(text, AIJsonUtilities.DefaultOptions));
        }
    }
}
