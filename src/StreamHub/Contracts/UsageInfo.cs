namespace StreamHub.Contracts;

/// <summary>
/// Token usage the upstream reports for one completion. <paramref name="CachedPromptTokens"/> are the prompt
/// tokens served from the provider's cache (priced apart when <c>CachedInputPerMillion</c> is set);
/// <paramref name="ReasoningTokens"/> are the completion tokens spent on reasoning; <paramref name="CacheWriteTokens"/>
/// the prompt tokens written to the provider's cache (Anthropic's <c>cache_creation_input_tokens</c>). Both cache
/// counts are part of <paramref name="PromptTokens"/>, as OpenAI counts cached tokens.
/// </summary>
public sealed record UsageInfo(
    int PromptTokens, int CompletionTokens, int TotalTokens, int CachedPromptTokens = 0, int ReasoningTokens = 0, int CacheWriteTokens = 0);
