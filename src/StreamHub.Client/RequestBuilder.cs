using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StreamHub.Client;

/// <summary>
/// The hub's <c>StreamRequest</c> for one call: the messages, the <see cref="ChatOptions"/> under the hub's names
/// (tools as OpenAI function tools, the tool mode as <c>toolChoice</c>, ...), the client's defaults, and every
/// other option under <c>extra</c>, which StreamHub forwards to the upstream verbatim.
/// </summary>
internal static class RequestBuilder
{
    /// <summary>The <c>AdditionalProperties</c> keys that set hub fields for one call instead of going to <c>extra</c>.</summary>
    private static readonly string[] HubKeys = ["priority", "group", "requestId", "reasoningEffort"];

    public static Dictionary<string, object?> Build(
        IEnumerable<ChatMessage> messages, ChatOptions? options, StreamHubClientOptions client, string requestId, bool resumable)
    {
        var request = new Dictionary<string, object?>
        {
            ["requestId"] = requestId,
            ["messages"] = MessageMapper.Map(messages, options?.Instructions),
        };
        if (resumable)
        {
            request["resumable"] = true;
        }

        Set(request, "model", options?.ModelId ?? client.ModelId);
        Set(request, "priority", Additional(options, "priority") ?? client.Priority);
        Set(request, "group", Additional(options, "group") ?? client.Group);
        if (options is null)
        {
            return request;
        }

        Set(request, "maxTokens", options.MaxOutputTokens);
        Set(request, "temperature", JsonTree.FromValue(options.Temperature));
        Set(request, "topP", JsonTree.FromValue(options.TopP));
        Set(request, "seed", options.Seed is { } seed ? checked((int)seed) : null);
        Set(request, "stop", options.StopSequences is { Count: > 0 } stop ? new List<object?>(stop) : null);
        Set(request, "responseFormat", ResponseFormat(options.ResponseFormat));
        Set(request, "reasoningEffort", Additional(options, "reasoningEffort") ?? Effort(options.Reasoning?.Effort));
        var tools = Tools(options.Tools);
        if (tools.Count > 0)
        {
            request["tools"] = tools;
            Set(request, "toolChoice", ToolChoice(options.ToolMode));
        }

        var extra = Extra(options, tools.Count > 0);
        if (extra.Count > 0)
        {
            request["extra"] = extra;
        }

        return request;
    }

    /// <summary>The request id a caller chose through <c>AdditionalProperties["requestId"]</c>, if any.</summary>
    public static string? RequestId(ChatOptions? options) => Additional(options, "requestId");

    private static List<object?> Tools(IList<AITool>? tools)
    {
        var result = new List<object?>();
        foreach (var tool in tools ?? [])
        {
            if (tool is AIFunctionDeclaration function)
            {
                var definition = new Dictionary<string, object?>
                {
                    ["name"] = function.Name,
                    ["parameters"] = JsonTree.From(function.JsonSchema),
                };
                Set(definition, "description", string.IsNullOrEmpty(function.Description) ? null : function.Description);
                result.Add(new Dictionary<string, object?> { ["type"] = "function", ["function"] = definition });
            }
        }

        return result;
    }

    private static object? ToolChoice(ChatToolMode? mode) => mode switch
    {
        NoneChatToolMode => "none",
        AutoChatToolMode => "auto",
        RequiredChatToolMode { RequiredFunctionName: { } name } => new Dictionary<string, object?>
        {
            ["type"] = "function",
            ["function"] = new Dictionary<string, object?> { ["name"] = name },
        },
        RequiredChatToolMode => "required",
        _ => null,
    };

    private static object? ResponseFormat(ChatResponseFormat? format) => format switch
    {
        ChatResponseFormatText => new Dictionary<string, object?> { ["type"] = "text" },
        ChatResponseFormatJson { Schema: { } schema } json => new Dictionary<string, object?>
        {
            ["type"] = "json_schema",
            ["json_schema"] = Schema(json, schema),
        },
        ChatResponseFormatJson => new Dictionary<string, object?> { ["type"] = "json_object" },
        _ => null,
    };

    private static Dictionary<string, object?> Schema(ChatResponseFormatJson json, JsonElement schema)
    {
        var result = new Dictionary<string, object?> { ["name"] = json.SchemaName ?? "response", ["schema"] = JsonTree.From(schema) };
        Set(result, "description", json.SchemaDescription);
        return result;
    }

    private static string? Effort(ReasoningEffort? effort) => effort switch
    {
        null => null,
        ReasoningEffort.None => "none",
        ReasoningEffort.Low => "low",
        ReasoningEffort.Medium => "medium",
        ReasoningEffort.High => "high",
        ReasoningEffort.ExtraHigh => "xhigh",
        _ => null,
    };

    /// <summary>Upstream body fields StreamHub does not own, under OpenAI's names.</summary>
    private static Dictionary<string, object?> Extra(ChatOptions options, bool hasTools)
    {
        var extra = new Dictionary<string, object?>(StringComparer.Ordinal);
        Set(extra, "frequency_penalty", JsonTree.FromValue(options.FrequencyPenalty));
        Set(extra, "presence_penalty", JsonTree.FromValue(options.PresencePenalty));
        Set(extra, "top_k", options.TopK);
        if (hasTools)
        {
            Set(extra, "parallel_tool_calls", options.AllowMultipleToolCalls);
        }

        foreach (var (key, value) in options.AdditionalProperties ?? [])
        {
            if (Array.IndexOf(HubKeys, key) < 0)
            {
                extra[key] = JsonTree.FromValue(value);
            }
        }

        return extra;
    }

    private static string? Additional(ChatOptions? options, string key)
        => options?.AdditionalProperties?.TryGetValue(key, out var value) == true ? value?.ToString() : null;

    private static void Set(Dictionary<string, object?> target, string key, object? value)
    {
        if (value is not null)
        {
            target[key] = value;
        }
    }
}
