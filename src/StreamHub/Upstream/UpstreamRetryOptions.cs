using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

internal sealed class UpstreamRetryOptions
{
    /// <summary>Every attempt counts, the first included.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one ends the request with a hint.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);
}
