using System.Text;
using StreamHub.Validation;

namespace StreamHub.Identity;

/// <summary>The <c>Identity:Jwt</c> rules that depend on whether JWTs are on and on each other; every failure names its key.</summary>
internal sealed class JwtOptionsValidator() : SettingsValidator<JwtOptions>(JwtOptions.Section)
{
    protected override void CheckFields(JwtOptions options, List<string> failures)
    {
        if (!options.Enabled)
        {
            return;
        }

        if (!string.IsNullOrEmpty(options.SigningKey) && Encoding.UTF8.GetByteCount(options.SigningKey) < JwtOptions.MinSigningKeyBytes)
        {
            failures.Add($"{Section}:SigningKey must be at least {JwtOptions.MinSigningKeyBytes} bytes (UTF-8)");
        }

        if (!string.IsNullOrEmpty(options.SigningKey) && !string.IsNullOrEmpty(options.Authority))
        {
            failures.Add($"{Section}:SigningKey and {Section}:Authority exclude each other; set one");
        }

        if (!string.IsNullOrEmpty(options.Authority)
            && !(Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) && authority.Scheme == Uri.UriSchemeHttps))
        {
            failures.Add($"{Section}:Authority must be an absolute https URL");
        }

        if (!string.IsNullOrEmpty(options.SigningKey) && string.IsNullOrWhiteSpace(options.Issuer))
        {
            failures.Add($"{Section}:Issuer is required with {Section}:SigningKey");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{Section}:Audience is required when JWTs are accepted");
        }
    }
}
