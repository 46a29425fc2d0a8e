using System.Text;
using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>Cross-field rules for <see cref="JwtOptions"/>; every failure names its key.</summary>
internal sealed class JwtOptionsValidator : IValidateOptions<JwtOptions>
{
    public ValidateOptionsResult Validate(string? name, JwtOptions options)
    {
        if (!options.Enabled)
        {
            return ValidateOptionsResult.Success;
        }

        var failures = new List<string>();
        if (!string.IsNullOrEmpty(options.SigningKey) && Encoding.UTF8.GetByteCount(options.SigningKey) < JwtOptions.MinSigningKeyBytes)
        {
            failures.Add($"{JwtOptions.Section}:SigningKey must be at least {JwtOptions.MinSigningKeyBytes} bytes (UTF-8)");
        }

        if (!string.IsNullOrEmpty(options.SigningKey) && !string.IsNullOrEmpty(options.Authority))
        {
            failures.Add($"{JwtOptions.Section}:SigningKey and {JwtOptions.Section}:Authority exclude each other; set one");
        }

        if (!string.IsNullOrEmpty(options.Authority)
            && !(Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) && authority.Scheme == Uri.UriSchemeHttps))
        {
            failures.Add($"{JwtOptions.Section}:Authority must be an absolute https URL");
        }

        if (!string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{JwtOptions.Section}:Issuer is required with {JwtOptions.Section}:SigningKey");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{JwtOptions.Section}:Audience is required when JWTs are accepted");
        }

        if (string.IsNullOrWhiteSpace(options.TenantClaim))
        {
            failures.Add($"{JwtOptions.Section}:TenantClaim must not be empty");
        }

        if (string.IsNullOrWhiteSpace(options.TierClaim))
        {
            failures.Add($"{JwtOptions.Section}:TierClaim must not be empty");
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(10))
        {
            failures.Add($"{JwtOptions.Section}:ClockSkew must be between 00:00:00 and 00:10:00");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
