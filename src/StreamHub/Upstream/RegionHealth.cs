namespace StreamHub.Upstream;

/// <summary>What operators see of one region: breaker state, failures, latency, last error.</summary>
public sealed record RegionHealth(
    string Name,
    string BaseUrl,
    int Priority,
    int MaxConnections,
    string State,
    bool Disabled,
    int ConsecutiveFailures,
    double? TimeToFirstTokenEwmaMs,
    string? LastError,
    DateTimeOffset? LastErrorAt,
    DateTimeOffset? OpenUntil,
    int ActiveStreams,
    long Attempts,
    long Failures);
