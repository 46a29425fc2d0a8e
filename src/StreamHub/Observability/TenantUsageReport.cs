namespace StreamHub.Observability;

/// <summary>One tenant's reported usage and its cost; <paramref name="UnpricedRequests"/> used a model without a price.</summary>
public sealed record TenantUsageReport(
    string Tenant,
    long Requests,
    long PromptTokens,
    long CompletionTokens,
    long TotalTokens,
    decimal Cost,
    long UnpricedRequests);
