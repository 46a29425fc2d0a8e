using System.ComponentModel.DataAnnotations;

namespace StreamHub.Fanout;

/// <summary>Settings under <c>Fanout</c>: resumable requests and watch buffers.</summary>
internal sealed class FanoutOptions
{
    public const string Section = "Fanout";

    private const string Between = "{0} must be between {1} and {2}.";

    /// <summary>How long a <c>resumable</c> request's upstream outlives its caller.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = Between)]
    public TimeSpan ResumeGrace { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The most tokens a request's watch buffer keeps (the oldest go first).</summary>
    [Range(1, 10_000_000, ErrorMessage = Between)]
    public int WatchMaxLength { get; set; } = 10_000;

    /// <summary>How long a watch buffer is kept after its request ends.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = Between)]
    public TimeSpan WatchExpiry { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// In memory (one instance), the most tokens all finished requests' buffers may keep together; the
    /// oldest finished buffers go first beyond it. Running requests are never trimmed by it.
    /// </summary>
    [Range(typeof(long), "0", "1000000000", ErrorMessage = Between)]
    public long WatchRetainedTokens { get; set; } = 1_000_000;

    /// <summary>
    /// Group messages a request may have in flight before its stream waits for the fan-out; also how far a group
    /// member may fall behind before it is let go (its connection closed), so one that stops reading never slows
    /// the request or the other members.
    /// </summary>
    [Range(16, 1_000_000, ErrorMessage = Between)]
    public int GroupBuffer { get; set; } = 4096;

    /// <summary>Groups one connection may have joined at once (<c>rate_limited</c> beyond).</summary>
    [Range(1, 100_000, ErrorMessage = Between)]
    public int MaxGroupsPerConnection { get; set; } = 100;
}
