using System.ComponentModel.DataAnnotations;

namespace StreamHub.Observability;

/// <summary>Settings under <c>Observability</c>.</summary>
internal sealed class ObservabilityOptions
{
    public const string Section = "Observability";

    /// <summary>
    /// When set, <c>/metrics</c> answers only <c>Authorization: Bearer &lt;key&gt;</c> (401 otherwise); absent, the
    /// scrape endpoint is open, for a network where only the scraper reaches it. Never logged or shown.
    /// </summary>
    [RegularExpression(@"^[\s\S]{16,}$", ErrorMessage = "{0} must be at least 16 characters (or absent to leave /metrics open)")]
    public string? MetricsApiKey { get; set; }
}
