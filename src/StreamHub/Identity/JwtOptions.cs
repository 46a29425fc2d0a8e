using System.Text;
using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>
/// Settings under <c>Identity:Jwt</c>. JWT bearer tokens are accepted only when <see cref="SigningKey"/> or
/// <see cref="Authority"/> is set; API keys keep working either way.
/// </summary>
internal sealed class JwtOptions
{
    public const string Section = "Identity:Jwt";

    /// <summary>A shared HMAC key (HS256/384/512), UTF-8, at least 32 bytes; never logged or shown.</summary>
    public string? SigningKey { get; set; }

    /// <summary>An OpenID Connect issuer (https) whose discovery document and keys validate the tokens.</summary>
    public string? Authority { get; set; }

    /// <summary>The <c>iss</c> a token must carry; required with <see cref="SigningKey"/>, else taken from the authority.</summary>
    public string? Issuer { get; set; }

    /// <summary>The <c>aud</c> a token must carry.</summary>
    public string? Audience { get; set; }

    /// <summary>The claim naming the caller's tenant.</summary>
    public string TenantClaim { get; set; } = "tenant";

    /// <summary>The claim naming the caller's tier (critical, high, normal, low); absent means normal.</summary>
    public string TierClaim { get; set; } = "tier";

    /// <summary>How far a token's lifetime may stretch for clocks that disagree.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    public bool Enabled => !string.IsNullOrEmpty(SigningKey) || !string.IsNullOrEmpty(Authority);

    public const int MinSigningKeyBytes = 32;
}

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
