using System.Text.Json;
using Microsoft.Extensions.AI;

namespace StreamHub.Client;

/// <summary>
/// Microsoft.Extensions.AI messages as the hub's <c>messages</c>: text as a string (or text parts beside images),
/// images as <c>image_url</c> parts, function calls as <c>toolCalls</c>, and each function result as its own
/// <c>tool</c> message.
/// </summary>
internal static class MessageMapper
{
    public static List<object?> Map(IEnumerable<ChatMessage> messages, string? instructions)
    {
        var result = new List<object?>();
        if (!string.IsNullOrEmpty(instructions))
        {
            result.Add(new Dictionary<string, object?> { ["role"] = "system", ["content"] = instructions });
        }

        foreach (var message in messages)
        {
            var parts = new List<object?>();
            var calls = new List<object?>();
            var textOnly = true;
            foreach (var content in message.Contents)
            {
                switch (content)
                {
                    case TextContent text:
                        parts.Add(new Dictionary<string, object?> { ["type"] = "text", ["text"] = text.Text });
                        break;
                    case DataContent or UriContent:
                        parts.Add(MediaPart(content));
                        textOnly = false;
                        break;
                    case FunctionCallContent call:
                        calls.Add(ToolCall(call));
                        break;
                    case FunctionResultContent output:
                        result.Add(new Dictionary<string, object?>
                        {
                            ["role"] = "tool",
                            ["toolCallId"] = output.CallId,
                            ["content"] = ResultText(output),
                        });
                        break;
                    default:
                        break; // reasoning, usage and other content the upstream does not take back
                }
            }

            if (parts.Count == 0 && calls.Count == 0)
            {
                continue;
            }

            var mapped = new Dictionary<string, object?>
            {
                ["role"] = message.Role.Value,
                ["content"] = parts.Count == 0 ? null : textOnly ? JoinText(parts) : parts,
            };
            if (calls.Count > 0)
            {
                mapped["toolCalls"] = calls;
            }

            if (!string.IsNullOrEmpty(message.AuthorName))
            {
                mapped["name"] = message.AuthorName;
            }

            result.Add(mapped);
        }

        return result;
    }

    private static string JoinText(List<object?> parts)
    {
        var texts = new string?[parts.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            texts[i] = (string?)((Dictionary<string, object?>)parts[i]!)["text"];
        }

        return string.Concat(texts);
    }

    /// <summary>An image as OpenAI's <c>image_url</c> part (a data: URI for bytes); audio and other files in their OpenAI parts.</summary>
    private static Dictionary<string, object?> MediaPart(AIContent content)
    {
        var (url, mediaType, name) = content switch
        {
            DataContent data => (data.Uri, data.MediaType, data.Name),
            UriContent uri => (uri.Uri.ToString(), uri.MediaType, null),
            _ => throw new ArgumentOutOfRangeException(nameof(content)),
        };
        if (mediaType.StartsWith("image/", StringComparison.OrdinalIgnoreCase))
        {
            return new() { ["type"] = "image_url", ["image_url"] = new Dictionary<string, object?> { ["url"] = url } };
        }

        if (content is DataContent audio && mediaType.StartsWith("audio/", StringComparison.OrdinalIgnoreCase))
        {
            var format = mediaType["audio/".Length..] switch { "mpeg" => "mp3", "x-wav" => "wav", var other => other };
            return new() { ["type"] = "input_audio", ["input_audio"] = new Dictionary<string, object?> { ["data"] = audio.Base64Data.ToString(), ["format"] = format } };
        }

        var file = new Dictionary<string, object?> { [content is DataContent ? "file_data" : "file_url"] = url };
        if (name is not null)
        {
            file["filename"] = name;
        }

        return new() { ["type"] = "file", ["file"] = file };
    }

    private static Dictionary<string, object?> ToolCall(FunctionCallContent call) => new()
    {
        ["id"] = call.CallId,
        ["type"] = "function",
        ["function"] = new Dictionary<string, object?>
        {
            ["name"] = call.Name,
            ["arguments"] = JsonSerializer.Serialize(call.Arguments ?? new Dictionary<string, object?>(), JsonTree.Options),
        },
    };

    private static string ResultText(FunctionResultContent output) => output.Result switch
    {
        null => output.Exception is { } ex ? "Error: " + ex.Message : "",
        string text => text,
        JsonElement { ValueKind: JsonValueKind.String } text => text.GetString() ?? "",
        JsonElement element => element.GetRawText(),
        var other => JsonSerializer.Serialize(other, JsonTree.Options),
    };
}
