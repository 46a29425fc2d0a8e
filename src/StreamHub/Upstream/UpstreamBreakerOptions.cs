using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

internal sealed class UpstreamBreakerOptions
{
    /// <summary>Consecutive region failures (a caller's fault neither counts nor resets) that open the breaker.</summary>
    [Range(1, 1000, ErrorMessage = "{0} must be between {1} and {2}.")]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long an open region takes no request; then one trial request decides.</summary>
    [Range(typeof(TimeSpan), "00:00:00.5", "1.00:00:00", ErrorMessage = "{0} must be a TimeSpan between {1} and {2}.")]
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(60);
}
