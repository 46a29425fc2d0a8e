using StreamHub.Validation;

namespace StreamHub.Identity;

/// <summary>
/// The <c>Tenants:N</c> rules across entries (names and keys unique, no reserved name, model names set); each message names the exact key.
/// </summary>
internal sealed class TenantsOptionsValidator() : SettingsValidator<TenantsOptions>(TenantsOptions.Section)
{
    protected override void CheckFields(TenantsOptions options, List<string> failures)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Tenants.Count; i++)
        {
            var tenant = options.Tenants[i];
            if (TenantNames.IsReserved(tenant.Name))
            {
                failures.Add($"Tenants:{i}:Name '{tenant.Name}' is reserved for callers without a key; choose another name.");
            }

            if (!names.Add(tenant.Name))
            {
                failures.Add($"Tenants:{i}:Name '{tenant.Name}' is used by another tenant.");
            }

            // The key itself never appears in a message.
            if (!keys.Add(tenant.ApiKey))
            {
                failures.Add($"Tenants:{i}:ApiKey is the same as another tenant's.");
            }

            for (var k = 0; k < tenant.Models.Count; k++)
            {
                if (string.IsNullOrWhiteSpace(tenant.Models[k]))
                {
                    failures.Add($"Tenants:{i}:Models:{k} must name a model.");
                }
            }
        }
    }
}
