using System.ComponentModel.DataAnnotations;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>One API-key tenant (<c>Tenants:N</c>).</summary>
internal sealed class TenantOptions
{
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string Name { get; set; } = "";

    /// <summary>The tenant's bearer key; compared in constant time, never logged or shown.</summary>
    [Required]
    [MinLength(16)]
    public string ApiKey { get; set; } = "";

    public Priority Tier { get; set; } = Priority.Normal;

    [Range(1, int.MaxValue)]
    public int? RequestsPerMinute { get; set; }

    [Range(1, int.MaxValue)]
    public int? TokensPerMinute { get; set; }

    [Range(1, int.MaxValue)]
    public int? MaxConcurrentStreams { get; set; }
}
