using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace StreamHub.Tests.Identity;

/// <summary>The JWT settings of the identity tests and tokens signed for them.</summary>
internal static class JwtTestKit
{
    public const string SigningKey = "jwt-test-signing-key-0123456789abcdef";
    public const string Issuer = "https://issuer.streamhub.test";
    public const string Audience = "streamhub";

    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Identity:Jwt:SigningKey"] = SigningKey,
            ["Identity:Jwt:Issuer"] = Issuer,
            ["Identity:Jwt:Audience"] = Audience,
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>A token for <paramref name="claims"/>, valid for five minutes unless told otherwise.</summary>
    public static string Token(
        IDictionary<string, object> claims,
        string key = SigningKey,
        string issuer = Issuer,
        string audience = Audience,
        TimeSpan? expiresIn = null)
    {
        var now = DateTime.UtcNow;
        var expires = now + (expiresIn ?? TimeSpan.FromMinutes(5));
        var notBefore = expires < now ? expires - TimeSpan.FromMinutes(10) : now;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(key)), SecurityAlgorithms.HmacSha256),
        });
    }

    public static string TenantToken(string tenant, string? tier = null)
    {
        var claims = new Dictionary<string, object> { ["sub"] = "svc-" + tenant, ["tenant"] = tenant };
        if (tier is not null)
        {
            claims["tier"] = tier;
        }

        return Token(claims);
    }

    public static string AdminToken() => Token(new Dictionary<string, object> { ["sub"] = "ops", ["role"] = "streamhub-admin" });
}
