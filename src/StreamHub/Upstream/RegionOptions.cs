using System.ComponentModel.DataAnnotations;

namespace StreamHub.Upstream;

/// <summary>One upstream region (<c>Upstream:Regions:N</c>).</summary>
internal sealed class RegionOptions
{
    /// <summary>An HTTP header name (RFC 9110 token).</summary>
    internal const string HeaderName = "^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,128}$";

    [Required(ErrorMessage = "{0} must be set.")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "{0} must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-'.")]
    public string Name { get; set; } = "";

    /// <summary>The OpenAI-compatible base URL, ending in <c>/v1</c>.</summary>
    [Required(ErrorMessage = "{0} must be set.")]
    public string BaseUrl { get; set; } = "";

    /// <summary>Sent in <see cref="ApiKeyHeader"/>; never logged or shown.</summary>
    public string? ApiKey { get; set; }

    /// <summary>
    /// The header that carries <see cref="ApiKey"/>: <c>Authorization</c> (the default) sends <c>Bearer &lt;key&gt;</c>,
    /// any other name sends the key as it is (Azure OpenAI's <c>api-key</c>).
    /// </summary>
    [Required(ErrorMessage = "{0} must be set.")]
    [RegularExpression(HeaderName, ErrorMessage = "{0} must be an HTTP header name.")]
    public string ApiKeyHeader { get; set; } = "Authorization";

    /// <summary>Further headers sent with every request to this region (<c>Headers:&lt;name&gt;</c>), kept secret like the key.</summary>
    public Dictionary<string, string> Headers { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Query parameters added to every request to this region (<c>Query:&lt;name&gt;</c>, e.g. <c>api-version</c>), kept secret like the key.</summary>
    public Dictionary<string, string> Query { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// <c>Models:&lt;name&gt;</c>: the upstream's own name for client-facing model <c>&lt;name&gt;</c>; a request for
    /// <c>&lt;name&gt;</c> reaches this region with that name in its body. Empty: the region serves any name as asked.
    /// </summary>
    public Dictionary<string, string> Models { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Lower numbers are tried first.</summary>
    [Range(0, 1000, ErrorMessage = "{0} must be between {1} and {2}.")]
    public int Priority { get; set; }

    /// <summary>The region's share of traffic among the available regions of the same <see cref="Priority"/>.</summary>
    [Range(1, 1000, ErrorMessage = "{0} must be between {1} and {2}.")]
    public int Weight { get; set; } = 1;

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
