using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Conversation;

/// <summary>
/// Decides the emulated model's answer, the same way for every dialect. A model with tools answers a user's
/// question with a call (the named or first tool, arguments from its schema) and a tool result with text
/// that quotes it, so unmodified SDK tool loops run; directives change the count, order and extras.
/// </summary>
internal static class ReplyPlanner
{
    /// <summary>The reasoning the DeepSeek and Ollama dialects (and Anthropic thinking) send when no <c>reasoning=</c> is given.</summary>
    public static readonly IReadOnlyList<string> DefaultReasoning = ["Let", " me", " think", " this", " through", "."];

    private static readonly IReadOnlyList<string> RefusalWords = Words("I'm sorry, but I can't help with that.");

    /// <param name="wanted">Content tokens the model wants to say.</param>
    /// <param name="cap">The request's token limit; a longer answer is cut and ends with <see cref="ReplyEnding.Length"/>.</param>
    public static Reply Plan(TurnContext turn, FaultSpec fault, int wanted, int cap, long seq, ReplyStyle style)
    {
        var (reasoning, counted) = fault.Reasoning is { } n ? (EmulatorText.Reasoning(turn.Prompt, n), true)
            : style.DefaultReasoning ? (DefaultReasoning, style.CountDefaultReasoning)
            : ([], false);

        if (fault.Refusal)
        {
            return new Reply { Reasoning = reasoning, ReasoningCounted = counted, Refusal = RefusalWords, Ending = ReplyEnding.Refusal };
        }

        if (fault.ToolCalls)
        {
            var lookup = new ToolCallPlan(0, CallId(style, seq, 0), "lookup", "{\"query\":\"emulator\"}", ["{\"query\":\"emulator\"}"]);
            return new Reply
            {
                Reasoning = reasoning, ReasoningCounted = counted, LegacyToolCall = true,
                Content = EmulatorText.Tokens(turn.Prompt, Math.Min(wanted, cap)), ToolCalls = [lookup], Ending = ReplyEnding.ToolCalls,
            };
        }

        var calls = CallCount(turn, fault);
        if (calls > 0)
        {
            return new Reply
            {
                Reasoning = reasoning, ReasoningCounted = counted, Parallel = fault.Parallel, Ending = ReplyEnding.ToolCalls,
                Content = fault.Tokens is { } before ? EmulatorText.Tokens(turn.Prompt, Math.Min(before, cap)) : [],
                ToolCalls = [.. Enumerable.Range(0, calls).Select(i => Call(turn, fault, seq, i, style))],
            };
        }

        // One token past the cap is enough to see a stop sequence that starts inside the allowed answer.
        var quoting = turn.ToolResults.Count > 0;
        var text = quoting
            ? Words(string.Join(' ', turn.ToolResults.Select(r => $"The tool returned \"{r}\".")))
            : EmulatorText.Tokens(turn.Prompt, (int)Math.Min(wanted, turn.StopSequences.Count > 0 ? cap + 1L : cap));
        var content = CutAtStop(text, turn.StopSequences, out var stop);
        var ending = stop is null ? ReplyEnding.Stop : ReplyEnding.StopSequence;
        if (content.Count > cap || (stop is null && !quoting && wanted > cap))
        {
            content = [.. content.Take(cap)];
            (ending, stop) = (ReplyEnding.Length, null);
        }

        return new Reply { Reasoning = reasoning, ReasoningCounted = counted, Content = content, Ending = ending, StopSequence = stop };
    }

    /// <summary>Splits text before each run of spaces, so every token but the first starts with a space and they join back exactly.</summary>
    public static IReadOnlyList<string> Words(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 1; i < text.Length; i++)
        {
            if (text[i] == ' ' && text[i - 1] != ' ')
            {
                tokens.Add(text[start..i]);
                start = i;
            }
        }

        tokens.Add(text[start..]);
        return tokens;
    }

    private static int CallCount(TurnContext turn, FaultSpec fault)
    {
        if (!turn.EndsWithUser)
        {
            return 0;
        }

        if (fault.ToolCount is { } n)
        {
            return n;
        }

        return turn.Tools.Count > 0 && turn.Choice != ToolChoiceMode.None ? 1 : 0;
    }

    private static ToolCallPlan Call(TurnContext turn, FaultSpec fault, long seq, int index, ReplyStyle style)
    {
        var name = fault.ToolName
            ?? (turn.Choice == ToolChoiceMode.Named ? turn.ChoiceName : null)
            ?? (turn.Tools.Count > 0 ? turn.Tools[index % turn.Tools.Count].Name : "lookup");
        var schema = turn.Tools.FirstOrDefault(t => t.Name == name)?.Schema;
        var arguments = ToolArguments.For(schema, turn.Prompt);
        return new ToolCallPlan(index, CallId(style, seq, index), name, arguments, Split(arguments, fault.ArgFragments ?? style.ArgFragments));
    }

    private static string CallId(ReplyStyle style, long seq, int index) => $"{style.CallIdPrefix}{seq}_{index}";

    /// <summary><paramref name="parts"/> pieces of about equal length, never cutting a surrogate pair.</summary>
    private static List<string> Split(string text, int parts)
    {
        parts = Math.Clamp(parts, 1, Math.Max(1, text.Length));
        var pieces = new List<string>(parts);
        var start = 0;
        for (var i = 1; i <= parts; i++)
        {
            var end = i == parts ? text.Length : text.Length * i / parts;
            if (end > start && end < text.Length && char.IsLowSurrogate(text[end]))
            {
                end++;
            }

            if (end > start)
            {
                pieces.Add(text[start..end]);
                start = end;
            }
        }

        return pieces;
    }

    private static IReadOnlyList<string> CutAtStop(IReadOnlyList<string> tokens, IReadOnlyList<string> stops, out string? matched)
    {
        matched = null;
        var text = string.Concat(tokens);
        var at = -1;
        foreach (var stop in stops.Where(s => s.Length > 0))
        {
            var i = text.IndexOf(stop, StringComparison.Ordinal);
            if (i >= 0 && (at < 0 || i < at))
            {
                (at, matched) = (i, stop);
            }
        }

        if (at < 0)
        {
            return tokens;
        }

        var kept = new List<string>();
        var length = 0;
        foreach (var token in tokens)
        {
            if (length + token.Length > at)
            {
                if (at > length)
                {
                    kept.Add(token[..(at - length)]);
                }

                break;
            }

            kept.Add(token);
            length += token.Length;
        }

        return kept;
    }
}
