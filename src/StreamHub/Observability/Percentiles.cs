namespace StreamHub.Observability;

/// <summary>Percentiles of a sliding sample, in milliseconds; null while the sample is empty.</summary>
public sealed record Percentiles(int Count, double? P50, double? P95, double? P99);
