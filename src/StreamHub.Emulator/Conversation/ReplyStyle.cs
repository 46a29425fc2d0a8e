namespace StreamHub.Emulator.Conversation;

/// <summary>How one dialect shapes a reply the planner builds.</summary>
/// <param name="CallIdPrefix">Tool-call ids: <c>call_emu_</c> (OpenAI) or <c>toolu_emu_</c> (Anthropic), then the request number and the call's index.</param>
/// <param name="ArgFragments">Argument fragments per call unless <c>arg-fragments=</c> says otherwise.</param>
/// <param name="DefaultReasoning">Reasoning without <c>reasoning=</c>: the dialect's (DeepSeek, Ollama) or the request's (Anthropic thinking).</param>
/// <param name="CountDefaultReasoning">Whether that default reasoning counts as output tokens.</param>
internal sealed record ReplyStyle(string CallIdPrefix, int ArgFragments, bool DefaultReasoning, bool CountDefaultReasoning);
