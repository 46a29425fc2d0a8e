using System.ComponentModel.DataAnnotations;
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
    [Required(ErrorMessage = "{0} must not be empty")]
    public string TenantClaim { get; set; } = "tenant";

    /// <summary>The claim naming the caller's tier (critical, high, normal, low); absent means normal.</summary>
    [Required(ErrorMessage = "{0} must not be empty")]
    public string TierClaim { get; set; } = "tier";

    /// <summary>
    /// The claim listing the models the caller may use (a JSON array, or names separated by spaces or commas);
    /// a token without it falls back to the configured tenant of the same name (<c>Tenants:N:Models</c>), else any.
    /// </summary>
    [Required(ErrorMessage = "{0} must not be empty")]
    public string ModelsClaim { get; set; } = "models";

    /// <summary>How far a token's lifetime may stretch for clocks that disagree.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00", ErrorMessage = "{0} must be between {1} and {2}")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The limits of a JWT tenant that no <c>Tenants:N</c> entry of the same name describes (one with that name
    /// lends its own): an issuer can mint any number of tenant names, and none may spend without bound.
    /// </summary>
    [ValidateObjectMembers]
    public CallerLimitsOptions DefaultLimits { get; set; } = new()
    {
        RequestsPerMinute = 600,
        TokensPerMinute = 1_000_000,
        MaxConcurrentStreams = 32,
    };

    public bool Enabled => !string.IsNullOrEmpty(SigningKey) || !string.IsNullOrEmpty(Authority);

    public const int MinSigningKeyBytes = 32;
}
