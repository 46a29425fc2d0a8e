using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Contracts;

/// <summary>
/// One chat message: <c>role</c> (<c>system</c>, <c>developer</c>, <c>user</c>, <c>assistant</c>, <c>tool</c>) and
/// its content, which is text (<see cref="Content"/>), parts (<see cref="Parts"/>: text, images, audio, files, …) or
/// neither (an assistant message that only makes <see cref="ToolCalls"/>). A <c>tool</c> message answers the call
/// named by <see cref="ToolCallId"/>. On the wire <c>content</c> is a string, an array of parts or null.
/// </summary>
[JsonConverter(typeof(ChatMessageJsonConverter))]
public sealed record ChatMessage(string Role, string? Content)
{
    /// <summary>The content as parts; when set, it is the content and <see cref="Content"/> is null.</summary>
    public IReadOnlyList<ContentPart>? Parts { get; init; }

    /// <summary>The tools an assistant message called.</summary>
    public IReadOnlyList<ToolCall>? ToolCalls { get; init; }

    /// <summary>The call a <c>tool</c> message answers.</summary>
    public string? ToolCallId { get; init; }

    /// <summary>The participant's name (OpenAI's <c>name</c>).</summary>
    public string? Name { get; init; }

    /// <summary>
    /// The fields of an OpenAI caller's message that StreamHub does not read (DeepSeek's <c>reasoning_content</c>,
    /// <c>prefix</c>, …), by the caller's name, sent upstream verbatim.
    /// </summary>
    internal IReadOnlyDictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>An OpenAI caller's message had no <c>content</c> field at all (not even null): none goes upstream either.</summary>
    internal bool ContentAbsent { get; init; }

    public static ChatMessage FromParts(string role, IReadOnlyList<ContentPart> parts) => new(role, null) { Parts = parts };

    /// <summary>An assistant turn that only calls tools (content null).</summary>
    public static ChatMessage AssistantToolCalls(IReadOnlyList<ToolCall> calls) => new("assistant", null) { ToolCalls = calls };

    /// <summary>A tool's result, answering the call <paramref name="toolCallId"/>.</summary>
    public static ChatMessage ToolResult(string toolCallId, string content) => new("tool", content) { ToolCallId = toolCallId };
}
