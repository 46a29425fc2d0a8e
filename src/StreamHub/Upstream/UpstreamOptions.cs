using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace StreamHub.Upstream;

/// <summary>Settings under <c>Upstream</c>: regions, model, timeouts, retry, breaker, hedging, mid-stream policy.</summary>
internal sealed class UpstreamOptions
{
    public const string Section = "Upstream";

    /// <summary>Upstream regions; none means the embedded emulator.</summary>
    [ValidateEnumeratedItems]
    public List<RegionOptions> Regions { get; set; } = [];

    /// <summary>The model sent upstream when the request names none.</summary>
    [Required(ErrorMessage = "{0} must be set.")]
    public string Model { get; set; } = "emulator-1";

    /// <summary>
    /// <c>Fallbacks:&lt;name&gt;:K</c>: the client-facing models to try, in order, when no region serving
    /// <c>&lt;name&gt;</c> can answer before the first token.
    /// </summary>
    public Dictionary<string, List<string>> Fallbacks { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    [ValidateObjectMembers]
    public UpstreamTimeouts Timeouts { get; set; } = new();

    [ValidateObjectMembers]
    public UpstreamRetryOptions Retry { get; set; } = new();

    [ValidateObjectMembers]
    public UpstreamBreakerOptions CircuitBreaker { get; set; } = new();

    [ValidateObjectMembers]
    public UpstreamHedgingOptions Hedging { get; set; } = new();

    /// <summary>What happens when a stream breaks after tokens reached the caller.</summary>
    [EnumDataType(typeof(MidStreamMode), ErrorMessage = "{0} must be Fail or Continue.")]
    public MidStreamMode MidStream { get; set; } = MidStreamMode.Fail;

    /// <summary>
    /// Whether the hub's text-only <c>Stream</c> carries reasoning text (DeepSeek <c>reasoning_content</c>,
    /// Ollama <c>reasoning</c>) before the answer. Off by default: it is the model's scratch work, not the
    /// answer. <c>StreamEvents</c>, <c>Watch</c> and <c>/v1</c> always carry reasoning as its own events.
    /// </summary>
    public bool ForwardReasoning { get; set; }
}
