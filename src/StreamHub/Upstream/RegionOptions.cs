using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

/// <summary>One upstream region (<c>Upstream:Regions:N</c>).</summary>
internal sealed class RegionOptions
{
    [Required(ErrorMessage = "{0} must be set.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "{0} must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-'.")]
    public string Name { get; set; } = "";

    /// <summary>The OpenAI-compatible base URL, ending in <c>/v1</c>.</summary>
    [Required(ErrorMessage = "{0} must be set.")]
    public string BaseUrl { get; set; } = "";

    /// <summary>Sent as <c>Authorization: Bearer</c>; never logged or shown.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Lower numbers are tried first.</summary>
    [Range(0, 1000, ErrorMessage = "{0} must be between {1} and {2}.")]
    public int Priority { get; set; }

    /// <summary>
    /// The region's pooled connections. Over HTTP/1.1 each carries one stream, so this caps the region's
    /// concurrent streams; keep it at or above <c>Admission:MaxConcurrentStreams</c> (start-up warns).
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "{0} must be between {1} and {2}.")]
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// The embedded emulator, added when no region is configured; its connections go to wherever the
    /// emulator listens once started. Not a setting (the binder sets public properties only).
    /// </summary>
    internal bool Embedded { get; init; }
}
