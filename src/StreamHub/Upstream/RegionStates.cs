using Polly.CircuitBreaker;

namespace StreamHub.Upstream;

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
