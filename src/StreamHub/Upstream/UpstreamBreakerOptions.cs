using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

internal sealed class UpstreamBreakerOptions
{
    /// <summary>Consecutive region failures (a caller's fault neither counts nor resets) that open the breaker.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long an open region takes no request; then one trial request decides.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(60);
}
