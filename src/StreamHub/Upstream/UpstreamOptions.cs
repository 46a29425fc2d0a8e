using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

/// <summary>Settings under <c>Upstream</c>: regions, model, timeouts, retry, breaker, hedging, mid-stream policy.</summary>
internal sealed class UpstreamOptions
{
    public const string Section = "Upstream";

    /// <summary>Upstream regions; none means the embedded emulator.</summary>
    public List<RegionOptions> Regions { get; set; } = [];

    /// <summary>The model sent upstream when the request names none.</summary>
    [Required]
    public string Model { get; set; } = "emulator-1";

    public UpstreamTimeouts Timeouts { get; set; } = new();

    public UpstreamRetryOptions Retry { get; set; } = new();

    public UpstreamBreakerOptions CircuitBreaker { get; set; } = new();

    public UpstreamHedgingOptions Hedging { get; set; } = new();

    /// <summary>What happens when a stream breaks after tokens reached the caller.</summary>
    public MidStreamMode MidStream { get; set; } = MidStreamMode.Fail;

    /// <summary>
    /// Whether reasoning text (DeepSeek <c>reasoning_content</c>, Ollama <c>reasoning</c>) reaches the
    /// caller. Off by default: it is the model's scratch work, not the answer.
    /// </summary>
    public bool ForwardReasoning { get; set; }
}

/// <summary>One upstream region (<c>Upstream:Regions:N</c>).</summary>
internal sealed class RegionOptions
{
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string Name { get; set; } = "";

    /// <summary>The OpenAI-compatible base URL, ending in <c>/v1</c>.</summary>
    [Required]
    public string BaseUrl { get; set; } = "";

    /// <summary>Sent as <c>Authorization: Bearer</c>; never logged or shown.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Lower numbers are tried first.</summary>
    [Range(0, 1000)]
    public int Priority { get; set; }

    /// <summary>
    /// The region's pooled connections. Over HTTP/1.1 each carries one stream, so this caps the region's
    /// concurrent streams; keep it at or above <c>Admission:MaxConcurrentStreams</c> (start-up warns).
    /// </summary>
    [Range(1, 100_000)]
    public int MaxConnections { get; set; } = 1024;
}

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

internal sealed class UpstreamBreakerOptions
{
    /// <summary>Consecutive region failures (a caller's fault neither counts nor resets) that open the breaker.</summary>
    [Range(1, 1000)]
    public int FailureThreshold { get; set; } = 5;

    /// <summary>How long an open region takes no request; then one trial request decides.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>
/// <c>Upstream:Hedging</c>: when the chosen region has sent no first token within <see cref="Delay"/>, the
/// same request also starts on the next available region; the first to produce a token wins, the others
/// are cancelled. Trades extra upstream load (at most <see cref="MaxHedges"/> extra requests) for latency.
/// </summary>
internal sealed class UpstreamHedgingOptions
{
    public bool Enabled { get; set; }

    /// <summary>How long an attempt may go without a first token before the next region is started too.</summary>
    public TimeSpan Delay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Extra attempts one request may run at once, beside the first (Polly allows 1 to 10).</summary>
    [Range(1, 10)]
    public int MaxHedges { get; set; } = 1;
}

internal enum MidStreamMode
{
    /// <summary>End the caller's stream with <c>upstream_interrupted</c>.</summary>
    Fail,

    /// <summary>Ask a healthy region to continue the partial answer and stream only the continuation.</summary>
    Continue,
}
