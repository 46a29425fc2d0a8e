using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>
/// Finds the tenant (or the operator) a bearer key belongs to. Keys are kept as SHA-256 digests and
/// compared with <see cref="CryptographicOperations.FixedTimeEquals"/> against every entry, so neither
/// the comparison nor the search order reveals how much of a guess was right.
/// </summary>
internal sealed class ApiKeyDirectory
{
    private readonly (byte[] Digest, TenantOptions Tenant)[] _tenants;
    private readonly byte[]? _adminDigest;

    public ApiKeyDirectory(IOptions<TenantsOptions> tenants, IConfiguration configuration)
    {
        _tenants = [.. tenants.Value.Tenants.Select(t => (Digest(t.ApiKey), t))];
        var admin = configuration["Admin:ApiKey"];
        _adminDigest = string.IsNullOrEmpty(admin) ? null : Digest(admin);
    }

    public bool IsAdmin(string key) => _adminDigest is not null && CryptographicOperations.FixedTimeEquals(Digest(key), _adminDigest);

    public TenantOptions? FindTenant(string key)
    {
        var digest = Digest(key);
        TenantOptions? found = null;
        foreach (var (candidate, tenant) in _tenants)
        {
            // No early exit: every entry is compared whatever matched.
            if (CryptographicOperations.FixedTimeEquals(digest, candidate))
            {
                found = tenant;
            }
        }

        return found;
    }

    public TenantOptions? FindByName(string name)
    {
        foreach (var (_, tenant) in _tenants)
        {
            if (string.Equals(tenant.Name, name, StringComparison.Ordinal))
            {
                return tenant;
            }
        }

        return null;
    }

    private static byte[] Digest(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
