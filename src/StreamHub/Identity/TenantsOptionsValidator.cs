using StreamHub.Validation;

namespace StreamHub.Identity;

/// <summary>The <c>Tenants:N</c> rules across entries (names and keys unique); each message names the exact key.</summary>
internal sealed class TenantsOptionsValidator() : SettingsValidator<TenantsOptions>(TenantsOptions.Section)
{
    protected override void CheckFields(TenantsOptions options, List<string> failures)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Tenants.Count; i++)
        {
            var tenant = options.Tenants[i];
            if (!names.Add(tenant.Name))
            {
                failures.Add($"Tenants:{i}:Name '{tenant.Name}' is used by another tenant.");
            }

            // The key itself never appears in a message.
            if (!keys.Add(tenant.ApiKey))
            {
                failures.Add($"Tenants:{i}:ApiKey is the same as another tenant's.");
            }
        }
    }
}
