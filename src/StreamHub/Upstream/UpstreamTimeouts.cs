using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

internal sealed class UpstreamTimeouts
{
    private const string Message = "{0} must be a TimeSpan between {1} and {2} (e.g. 00:00:30).";

    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Message)]
    public TimeSpan Connect { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>From sending the request to the first content event (headers included).</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Message)]
    public TimeSpan FirstToken { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest silence between SSE data events; comments do not count as life.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Message)]
    public TimeSpan Idle { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The whole request, retries and continuation included.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Message)]
    public TimeSpan Total { get; set; } = TimeSpan.FromMinutes(10);
}
