using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>Checks every <c>Tenants:N</c> entry; each message names the exact key to fix.</summary>
internal sealed partial class TenantsOptionsValidator : IValidateOptions<TenantsOptions>
{
    public ValidateOptionsResult Validate(string? name, TenantsOptions options)
    {
        var errors = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < options.Tenants.Count; i++)
        {
            var tenant = options.Tenants[i];
            var key = $"Tenants:{i}";
            if (!NameShape().IsMatch(tenant.Name))
            {
                errors.Add($"{key}:Name must be 1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-'.");
            }
            else if (!names.Add(tenant.Name))
            {
                errors.Add($"{key}:Name '{tenant.Name}' is used by another tenant.");
            }

            // The key itself never appears in a message.
            if (tenant.ApiKey.Length < 16)
            {
                errors.Add($"{key}:ApiKey must be at least 16 characters.");
            }
            else if (!keys.Add(tenant.ApiKey))
            {
                errors.Add($"{key}:ApiKey is the same as another tenant's.");
            }

            AtLeastOne(tenant.RequestsPerMinute, $"{key}:RequestsPerMinute", errors);
            AtLeastOne(tenant.TokensPerMinute, $"{key}:TokensPerMinute", errors);
            AtLeastOne(tenant.MaxConcurrentStreams, $"{key}:MaxConcurrentStreams", errors);
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void AtLeastOne(int? value, string key, List<string> errors)
    {
        if (value < 1)
        {
            errors.Add($"{key} must be at least 1 (or absent for no limit).");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex NameShape();
}
