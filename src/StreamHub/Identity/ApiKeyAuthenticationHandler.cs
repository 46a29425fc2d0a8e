using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

/// <summary>
/// Authenticates <c>Authorization: Bearer &lt;key&gt;</c>, on the hub path only the <c>access_token</c> query
/// parameter (how browsers' WebSockets carry the JavaScript client's <c>accessTokenFactory</c>), and on
/// <c>/v1/messages</c> only Anthropic's <c>x-api-key</c>. No key: no result (anonymous); an unknown key: failure.
/// </summary>
internal sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyDirectory directory) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string HubPath = "/hubs/stream";

    /// <summary>The Anthropic front door, whose clients send the key as <c>x-api-key</c>.</summary>
    public const string MessagesPath = "/v1/messages";

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var key = PresentedKey(Request);
        if (key is null)
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        if (directory.IsAdmin(key))
        {
            var admin = new ClaimsIdentity(
                [new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, IdentityClaims.AdminRole)],
                IdentityClaims.Scheme);
            return Task.FromResult(Success(admin));
        }

        if (directory.FindTenant(key) is { } tenant)
        {
            var identity = new ClaimsIdentity(
                [
                    new Claim(ClaimTypes.Name, tenant.Name),
                    new Claim(IdentityClaims.Tenant, tenant.Name),
                    new Claim(IdentityClaims.Tier, tenant.Tier.ToString()),
                ],
                IdentityClaims.Scheme);
            return Task.FromResult(Success(identity));
        }

        // The key itself is never logged.
        return Task.FromResult(AuthenticateResult.Fail("unknown API key"));
    }

    /// <summary>The bearer key the request presents, if any.</summary>
    public static string? PresentedKey(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var value = header["Bearer ".Length..].Trim();
            return value.Length == 0 ? null : value;
        }

        if (request.Path.StartsWithSegments(HubPath, StringComparison.OrdinalIgnoreCase)
            && request.Query.TryGetValue("access_token", out var token)
            && !string.IsNullOrEmpty(token))
        {
            return token.ToString();
        }

        if (request.Path.StartsWithSegments(MessagesPath, StringComparison.OrdinalIgnoreCase)
            && request.Headers["x-api-key"].ToString() is { Length: > 0 } apiKey)
        {
            return apiKey.Trim();
        }

        return null;
    }

    private AuthenticateResult Success(ClaimsIdentity identity)
        => AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
}
