namespace StreamHub.Observability;

/// <summary>Request outcomes since start: failures after admission and rejections before it, by code.</summary>
public sealed record StreamTotals(
    long Admitted,
    long Completed,
    long Canceled,
    long Tokens,
    IReadOnlyDictionary<string, long> Failed,
    IReadOnlyDictionary<string, long> Rejected);
