using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

internal sealed class UpstreamRetryOptions
{
    private const string Delay = "{0} must be a TimeSpan between {1} and {2} (e.g. 00:00:00.100).";

    /// <summary>Every attempt counts, the first included.</summary>
    [Range(1, 20, ErrorMessage = "{0} must be between {1} and {2} (every attempt counts, the first included).")]
    public int MaxAttempts { get; set; } = 5;

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Delay)]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Delay)]
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one ends the request with a hint.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = Delay)]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);
}
