using System.Buffers;
using OpenAI.Chat;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// Puts streamed tool calls back together the way an OpenAI .NET SDK user does (the SDK's own
/// <c>StreamingChatToolCallsBuilder</c> sample): by <see cref="StreamingChatToolCallUpdate.Index"/>, the id and
/// name from whichever update carries them, the argument bytes appended in arrival order. It also keeps the
/// order of the indexes the updates came in, so a test can see that the calls were interleaved.
/// </summary>
internal sealed class StreamedToolCalls
{
    private readonly SortedDictionary<int, (string? Id, string? Name, ArrayBufferWriter<byte> Arguments)> _calls = [];
    private readonly List<int> _order = [];

    /// <summary>The index of every update, in arrival order.</summary>
    public IReadOnlyList<int> Order => _order;

    public void Append(StreamingChatCompletionUpdate update)
    {
        foreach (var delta in update.ToolCallUpdates)
        {
            _order.Add(delta.Index);
            var (id, name, arguments) = _calls.TryGetValue(delta.Index, out var seen) ? seen : (null, null, new ArrayBufferWriter<byte>());
            if (delta.FunctionArgumentsUpdate is { } fragment)
            {
                arguments.Write(fragment.ToMemory().Span);
            }

            _calls[delta.Index] = (delta.ToolCallId ?? id, delta.FunctionName ?? name, arguments);
        }
    }

    /// <summary>The whole calls, by index; a call that never got its id or name fails the test.</summary>
    public IReadOnlyList<ChatToolCall> Build() => [.. _calls.Select(c => ChatToolCall.CreateFunctionToolCall(
        c.Value.Id ?? throw new Xunit.Sdk.XunitException($"tool call {c.Key} streamed no id"),
        c.Value.Name ?? throw new Xunit.Sdk.XunitException($"tool call {c.Key} streamed no name"),
        BinaryData.FromBytes(c.Value.Arguments.WrittenMemory.ToArray())))];
}
