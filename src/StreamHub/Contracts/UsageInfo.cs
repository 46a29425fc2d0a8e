namespace StreamHub.Contracts;

/// <summary>
/// Token usage the upstream reports for one completion. <paramref name="CachedPromptTokens"/> are the prompt
/// tokens served from the provider's cache (priced apart when <c>CachedInputPerMillion</c> is set);
/// <paramref name="ReasoningTokens"/> are the completion tokens spent on reasoning.
/// </summary>
public sealed record UsageInfo(int PromptTokens, int CompletionTokens, int TotalTokens, int CachedPromptTokens = 0, int ReasoningTokens = 0);
