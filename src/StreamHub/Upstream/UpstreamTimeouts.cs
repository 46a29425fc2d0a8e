namespace StreamHub.Upstream;

internal sealed class UpstreamTimeouts
{
    public TimeSpan Connect { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>From sending the request to the first content event (headers included).</summary>
    public TimeSpan FirstToken { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest silence between SSE data events; comments do not count as life.</summary>
    public TimeSpan Idle { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>The whole request, retries and continuation included.</summary>
    public TimeSpan Total { get; set; } = TimeSpan.FromMinutes(10);
}
