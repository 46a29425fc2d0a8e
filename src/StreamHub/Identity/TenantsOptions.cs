namespace StreamHub.Identity;

/// <summary>The <c>Tenants</c> list as one options object, so it is validated at start-up like the rest.</summary>
internal sealed class TenantsOptions
{
    public List<TenantOptions> Tenants { get; set; } = [];
}
