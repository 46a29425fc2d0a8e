using System.Security.Claims;
using System.Text.RegularExpressions;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>
/// Turns a validated JWT into the same identity an API key gets: <c>streamhub:tenant</c>,
/// <c>streamhub:tier</c>, the models it may use (<c>streamhub:model</c>) and the admin role. Only these claims are kept, so nothing else in a token can
/// shape what the caller may do, and <see cref="CallerResolver"/> and the policies need not know JWTs.
/// </summary>
internal static partial class JwtClaimsMapper
{
    public const string AuthenticationType = "Jwt";

    /// <summary>Role claim types issuers commonly use (inbound claim mapping is off, so names are as sent).</summary>
    private static readonly string[] RoleClaimTypes = ["role", "roles", ClaimTypes.Role];

    /// <summary>The mapped principal, or null with <paramref name="failure"/> saying why the token is refused.</summary>
    public static ClaimsPrincipal? Map(ClaimsPrincipal token, JwtOptions options, out string? failure)
    {
        var claims = new List<Claim>();
        var tenant = token.FindFirst(options.TenantClaim)?.Value;
        if (tenant is not null)
        {
            if (!TenantShape().IsMatch(tenant) || TenantNames.IsReserved(tenant))
            {
                failure = $"the '{options.TenantClaim}' claim must be {TenantNames.Rule}";
                return null;
            }

            var tierValue = token.FindFirst(options.TierClaim)?.Value;
            var tier = Priority.Normal;
            if (tierValue is not null && !TryParseTier(tierValue, out tier))
            {
                failure = $"the '{options.TierClaim}' claim must be one of critical, high, normal, low";
                return null;
            }

            claims.Add(new Claim(ClaimTypes.Name, tenant));
            claims.Add(new Claim(IdentityClaims.Tenant, tenant));
            claims.Add(new Claim(IdentityClaims.Tier, tier.ToString()));
            AddModels(token, options.ModelsClaim, claims);
        }

        if (IsAdmin(token))
        {
            if (tenant is null)
            {
                claims.Add(new Claim(ClaimTypes.Name, token.FindFirst("sub")?.Value ?? "operator"));
            }

            claims.Add(new Claim(ClaimTypes.Role, IdentityClaims.AdminRole));
        }

        if (claims.Count == 0)
        {
            failure = $"the token names no tenant (claim '{options.TenantClaim}') and no {IdentityClaims.AdminRole} role";
            return null;
        }

        failure = null;
        return new ClaimsPrincipal(new ClaimsIdentity(claims, AuthenticationType, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>
    /// The models claim, one <see cref="IdentityClaims.Model"/> each: a JSON array arrives as one claim per item, a
    /// string may list several names separated by spaces or commas.
    /// </summary>
    private static void AddModels(ClaimsPrincipal token, string claimType, List<Claim> claims)
    {
        foreach (var claim in token.FindAll(claimType))
        {
            foreach (var model in claim.Value.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                claims.Add(new Claim(IdentityClaims.Model, model));
            }
        }
    }

    private static bool IsAdmin(ClaimsPrincipal token)
    {
        foreach (var claim in token.Claims)
        {
            if (Array.IndexOf(RoleClaimTypes, claim.Type) >= 0 && string.Equals(claim.Value, IdentityClaims.AdminRole, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Tier names only: a number such as "0" would otherwise parse as Critical.</summary>
    private static bool TryParseTier(string value, out Priority tier)
    {
        switch (value.ToLowerInvariant())
        {
            case "critical": tier = Priority.Critical; return true;
            case "high": tier = Priority.High; return true;
            case "normal": tier = Priority.Normal; return true;
            case "low": tier = Priority.Low; return true;
            default: tier = Priority.Normal; return false;
        }
    }

    [GeneratedRegex(TenantNames.Pattern, RegexOptions.CultureInvariant)]
    private static partial Regex TenantShape();
}
