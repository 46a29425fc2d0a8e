using Polly.CircuitBreaker;

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

/// <summary>Breaker states as operators name them.</summary>
internal static class RegionStates
{
    public static string Describe(CircuitState state, bool disabled) => disabled
        ? "disabled"
        : state switch
        {
            CircuitState.Closed => "closed",
            CircuitState.Open => "open",
            CircuitState.HalfOpen => "half-open",
            CircuitState.Isolated => "isolated",
            _ => "unknown",
        };
}
