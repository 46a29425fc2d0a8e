using System.Runtime.InteropServices;
using System.Text.Json;

namespace StreamHub.Contracts;

/// <summary>A validated request: what both front doors hand to the completion pipeline.</summary>
internal sealed record CompletionRequest(
    string RequestId,
    IReadOnlyList<ChatMessage> Messages,
    string? Model,
    Priority? Priority,
    int? MaxTokens,
    double? Temperature,
    string? Group,
    bool Resumable)
{
    /// <summary>Tools, format, stop sequences, sampling and further fields for the upstream.</summary>
    public GenerationOptions Options { get; init; } = GenerationOptions.None;

    /// <summary>
    /// Characters of input, for <c>Streaming:MaxInputChars</c> and the token estimate before the upstream reports
    /// usage: the text of every message and text part, tool calls' names and arguments, and the JSON length of
    /// every other part (an image counts its URL, so a <c>data:</c> URL its encoded size), of tool calls of other
    /// types and of the tools offered.
    /// </summary>
    public int InputChars
    {
        get
        {
            long total = Options.Tools is { } tools ? JsonLength(tools) : 0;
            foreach (var message in Messages)
            {
                total += message.Content?.Length ?? 0;
                foreach (var part in message.Parts ?? [])
                {
                    total += part.Text?.Length ?? JsonLength(part.Json);
                }

                foreach (var call in message.ToolCalls ?? [])
                {
                    total += call.Function is { } function
                        ? function.Name.Length + function.Arguments.Length
                        : call.Json is { } json ? JsonLength(json) : 0;
                }
            }

            return (int)Math.Min(total, int.MaxValue);
        }
    }

    /// <summary>The element's JSON text length in UTF-8 bytes, read without copying it.</summary>
    private static int JsonLength(JsonElement json) => JsonMarshal.GetRawUtf8Value(json).Length;
}
