using StreamHub.Validation;

namespace StreamHub.Admin;

/// <summary>
/// The <c>Admin</c> rules: the annotations on <see cref="AdminOptions"/>, and that the operators' key is no
/// tenant's key (a tenant holding it would be an operator; the message names both keys, never the value).
/// </summary>
internal sealed class AdminOptionsValidator(IConfiguration configuration) : SettingsValidator<AdminOptions>(AdminOptions.Section)
{
    protected override void CheckFields(AdminOptions options, List<string> failures)
    {
        if (string.IsNullOrEmpty(options.ApiKey))
        {
            return;
        }

        foreach (var tenant in configuration.GetSection("Tenants").GetChildren())
        {
            if (string.Equals(tenant["ApiKey"], options.ApiKey, StringComparison.Ordinal))
            {
                failures.Add($"{Section}:ApiKey is the same as {tenant.Path}:ApiKey; give the operators a key of their own.");
            }
        }
    }
}
