using System.Buffers.Text;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace StreamHub.Identity;

/// <summary>
/// Optional JWT bearer tokens beside API keys. A policy scheme looks at the presented bearer: a JWT
/// (three base64url parts, the first a JSON header) goes to the JWT scheme, anything else to the API-key
/// scheme. Both read the token from the same places and end in the same claims.
/// </summary>
internal static class JwtIdentityExtensions
{
    public const string JwtScheme = "Jwt";
    public const string BearerScheme = "Bearer";

    /// <summary>
    /// Adds the JWT scheme and the <see cref="BearerScheme"/> selector (make it the default scheme). The
    /// selector reads the validated <c>Identity:Jwt</c> settings: with JWTs off, every bearer is an API key.
    /// </summary>
    public static AuthenticationBuilder AddJwtBesideApiKeys(this AuthenticationBuilder authentication)
    {
        authentication.AddJwtBearer(JwtScheme, _ => { });
        authentication.Services.AddOptions<JwtBearerOptions>(JwtScheme).Configure<IOptions<JwtOptions>>(Configure);
        authentication.AddPolicyScheme(BearerScheme, "API key or JWT", _ => { });
        authentication.Services.AddOptions<PolicySchemeOptions>(BearerScheme).Configure<IOptions<JwtOptions>>(static (policy, jwt) =>
        {
            var enabled = jwt.Value.Enabled;
            policy.ForwardDefaultSelector = context =>
                enabled && LooksLikeJwt(ApiKeyAuthenticationHandler.PresentedKey(context.Request)) ? JwtScheme : IdentityClaims.Scheme;
        });
        return authentication;
    }

    /// <summary>Compact JWS: three base64url parts whose first decodes to a JSON object (the header).</summary>
    internal static bool LooksLikeJwt(string? token)
    {
        if (token is null || token.Length > 16 * 1024)
        {
            return false;
        }

        var parts = token.Split('.');
        if (parts.Length != 3 || parts[0].Length == 0 || parts[1].Length == 0 || parts[2].Length == 0)
        {
            return false;
        }

        foreach (var part in parts)
        {
            foreach (var c in part)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
                {
                    return false;
                }
            }
        }

        try
        {
            var header = Base64Url.DecodeFromChars(parts[0]);
            return header.AsSpan().TrimStart(" \t\r\n"u8) is [(byte)'{', ..];
        }
        catch (FormatException)
        {
            return false;
        }
    }

    private static void Configure(JwtBearerOptions bearer, IOptions<JwtOptions> settings)
    {
        var jwt = settings.Value;

        // Claim names stay as the issuer wrote them; JwtClaimsMapper reads them by the configured names.
        bearer.MapInboundClaims = false;
        if (!string.IsNullOrEmpty(jwt.Authority))
        {
            bearer.Authority = jwt.Authority;
        }

        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidIssuer = string.IsNullOrWhiteSpace(jwt.Issuer) ? null : jwt.Issuer,
            ValidateAudience = true,
            ValidAudience = jwt.Audience,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = jwt.ClockSkew,
        };
        if (!string.IsNullOrEmpty(jwt.SigningKey))
        {
            bearer.TokenValidationParameters.IssuerSigningKey = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(jwt.SigningKey));
            bearer.TokenValidationParameters.ValidAlgorithms =
                [SecurityAlgorithms.HmacSha256, SecurityAlgorithms.HmacSha384, SecurityAlgorithms.HmacSha512];
        }

        bearer.Events = new JwtBearerEvents
        {
            // The same rule as API keys: the Authorization header anywhere, access_token on the hub path only.
            OnMessageReceived = context =>
            {
                context.Token = ApiKeyAuthenticationHandler.PresentedKey(context.Request);
                return Task.CompletedTask;
            },
            OnTokenValidated = context =>
            {
                var mapped = JwtClaimsMapper.Map(context.Principal!, jwt, out var failure);
                if (mapped is null)
                {
                    context.Fail(failure!);
                }
                else
                {
                    context.Principal = mapped;
                }

                return Task.CompletedTask;
            },
        };
    }
}
