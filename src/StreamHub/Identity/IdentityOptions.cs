using System.ComponentModel.DataAnnotations;
using StreamHub.Admission;

namespace StreamHub.Identity;

/// <summary>Settings under <c>Identity</c>: what callers without a key may do.</summary>
internal sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>Whether callers without a key may stream (true in the default run).</summary>
    public bool AllowAnonymous { get; set; } = true;

    /// <summary>The tier anonymous callers get; it caps the priority they may ask for.</summary>
    public Priority AnonymousTier { get; set; } = Priority.Normal;
}

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

/// <summary>The <c>Tenants</c> list as one options object, so it is validated at start-up like the rest.</summary>
internal sealed class TenantsOptions
{
    public List<TenantOptions> Tenants { get; set; } = [];
}
