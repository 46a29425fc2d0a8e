using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>The <c>Tenants</c> list (bound at the root) as one options object, validated at start-up like the rest.</summary>
internal sealed class TenantsOptions
{
    /// <summary>The configuration root: the list's key <c>Tenants</c> is the property's name.</summary>
    public const string Section = "";

    [ValidateEnumeratedItems]
    public List<TenantOptions> Tenants { get; set; } = [];
}
