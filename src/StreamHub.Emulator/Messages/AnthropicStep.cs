using StreamHub.Emulator.Conversation;

namespace StreamHub.Emulator.Messages;

/// <summary>One content-block event of a streamed answer, in sending order.</summary>
/// <param name="Block">The block type a <see cref="AnthropicStepKind.BlockStart"/> opens: <c>thinking</c>, <c>text</c> or <c>tool_use</c>.</param>
internal readonly record struct AnthropicStep(AnthropicStepKind Kind, int Index, string Text = "", string? Block = null, ToolCallPlan? Call = null)
{
    /// <summary>Whether the "-after=N" faults count this event: text and tool-input deltas, not thinking.</summary>
    public bool Counts => Kind is AnthropicStepKind.Text or AnthropicStepKind.InputJson;

    /// <summary>Whether the event waits for its token slot: every delta but the signature.</summary>
    public bool Paced => Kind is AnthropicStepKind.Thinking or AnthropicStepKind.Text or AnthropicStepKind.InputJson;

    /// <summary>Thinking (then its signature), text, then one tool_use block per call; blocks never interleave.</summary>
    public static IEnumerable<AnthropicStep> Of(AnthropicPlan plan)
    {
        var index = 0;
        var reply = plan.Reply;
        if (reply.Reasoning.Count > 0)
        {
            yield return new AnthropicStep(AnthropicStepKind.BlockStart, index, Block: "thinking");
            foreach (var text in reply.Reasoning)
            {
                yield return new AnthropicStep(AnthropicStepKind.Thinking, index, text);
            }

            yield return new AnthropicStep(AnthropicStepKind.Signature, index, plan.Signature);
            yield return new AnthropicStep(AnthropicStepKind.BlockStop, index++);
        }

        if (plan.HasTextBlock)
        {
            yield return new AnthropicStep(AnthropicStepKind.BlockStart, index, Block: "text");
            foreach (var text in plan.Text)
            {
                yield return new AnthropicStep(AnthropicStepKind.Text, index, text);
            }

            yield return new AnthropicStep(AnthropicStepKind.BlockStop, index++);
        }

        foreach (var call in reply.ToolCalls)
        {
            yield return new AnthropicStep(AnthropicStepKind.BlockStart, index, Block: "tool_use", Call: call);
            foreach (var fragment in call.Fragments)
            {
                yield return new AnthropicStep(AnthropicStepKind.InputJson, index, fragment);
            }

            yield return new AnthropicStep(AnthropicStepKind.BlockStop, index++);
        }
    }
}
