using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

/// <summary>
/// <c>Upstream:Hedging</c>: when the chosen region has sent no first token within <see cref="Delay"/>, the
/// same request also starts on the next available region; the first to produce a token wins, the others
/// are cancelled. Trades extra upstream load (at most <see cref="MaxHedges"/> extra requests) for latency.
/// </summary>
internal sealed class UpstreamHedgingOptions
{
    public bool Enabled { get; set; }

    /// <summary>How long an attempt may go without a first token before the next region is started too.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00", ErrorMessage = "{0} must be a TimeSpan between {1} and {2}.")]
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra attempts one request may run at once, beside the first (Polly allows 1 to 10).</summary>
    [Range(1, 10, ErrorMessage = "{0} must be between {1} and {2}.")]
    public int MaxHedges { get; set; } = 1;
}
