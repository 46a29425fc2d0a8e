using StreamHub.Emulator.Conversation;

namespace StreamHub.Emulator.Completions;

/// <summary>One delta of a streamed OpenAI answer, in sending order.</summary>
/// <param name="Call">The tool call a <see cref="ReplyStepKind.ToolStart"/> or <see cref="ReplyStepKind.ToolArguments"/> step belongs to.</param>
internal readonly record struct ReplyStep(ReplyStepKind Kind, string Text, ToolCallPlan? Call = null)
{
    /// <summary>A call whose arguments come in one piece sends them on its first delta (as Ollama does).</summary>
    public bool WholeCall => Kind == ReplyStepKind.ToolStart && Call!.Fragments.Count == 1;

    /// <summary>Whether the "-after=N" faults count this delta: every answer delta, not reasoning, not a bare call start.</summary>
    public bool Counts => Kind is ReplyStepKind.Content or ReplyStepKind.Refusal or ReplyStepKind.ToolArguments || WholeCall;

    /// <summary>Reasoning, content, refusal, then the tool calls: one after the other, or interleaved by index when parallel.</summary>
    public static IEnumerable<ReplyStep> Of(Reply reply)
    {
        foreach (var text in reply.Reasoning)
        {
            yield return new ReplyStep(ReplyStepKind.Reasoning, text);
        }

        foreach (var text in reply.Content)
        {
            yield return new ReplyStep(ReplyStepKind.Content, text);
        }

        foreach (var text in reply.Refusal)
        {
            yield return new ReplyStep(ReplyStepKind.Refusal, text);
        }

        if (reply.LegacyToolCall)
        {
            yield break;
        }

        var calls = reply.ToolCalls;
        var rounds = reply.Parallel ? calls.Select(c => c.Fragments.Count).DefaultIfEmpty(0).Max() : 0;
        if (!reply.Parallel)
        {
            foreach (var call in calls)
            {
                foreach (var step in Steps(call))
                {
                    yield return step;
                }
            }

            yield break;
        }

        foreach (var call in calls)
        {
            yield return new ReplyStep(ReplyStepKind.ToolStart, string.Empty, call);
        }

        for (var round = 0; round < rounds; round++)
        {
            foreach (var call in calls.Where(c => c.Fragments.Count > 1 && round < c.Fragments.Count))
            {
                yield return new ReplyStep(ReplyStepKind.ToolArguments, call.Fragments[round], call);
            }
        }
    }

    private static IEnumerable<ReplyStep> Steps(ToolCallPlan call)
    {
        yield return new ReplyStep(ReplyStepKind.ToolStart, string.Empty, call);
        if (call.Fragments.Count > 1)
        {
            foreach (var fragment in call.Fragments)
            {
                yield return new ReplyStep(ReplyStepKind.ToolArguments, fragment, call);
            }
        }
    }
}
