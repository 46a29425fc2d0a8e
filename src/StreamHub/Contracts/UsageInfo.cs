namespace StreamHub.Contracts;

/// <summary>Token usage the upstream reports for one completion.</summary>
public sealed record UsageInfo(int PromptTokens, int CompletionTokens, int TotalTokens);
