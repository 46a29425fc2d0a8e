using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using StreamHub.Admission;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>
/// Turns the authenticated principal into a <see cref="Caller"/>: tenant, tier and limits from identity only.
/// A tenant's limits are its <c>Tenants:N</c> entry's; a JWT tenant without one gets <c>Identity:Jwt:DefaultLimits</c>;
/// anonymous callers get <c>Identity:AnonymousLimits</c>, pooled per client address.
/// </summary>
internal sealed class CallerResolver(
    AnonymousAccess anonymous,
    ApiKeyDirectory tenants,
    IOptions<IdentityOptions> options,
    IOptions<JwtOptions> jwt)
{
    /// <summary>The caller of a hub method: an anonymous caller's scope is its connection.</summary>
    public Caller Resolve(HubCallerContext context)
        => Resolve(context.User, context.ConnectionId, context.GetHttpContext()?.Connection.RemoteIpAddress);

    /// <summary>
    /// The caller of one HTTP request to a front door: an anonymous caller's scope is that request alone. A key
    /// that names no tenant is refused even when anonymous callers are allowed, and the operators' key is not a
    /// tenant; <paramref name="sendKeyAs"/> tells how this front door takes a key.
    /// </summary>
    public Caller Resolve(HttpContext http, string sendKeyAs)
    {
        if (ApiKeyAuthenticationHandler.PresentedKey(http.Request) is not null && !http.User.HasClaim(static c => c.Type == IdentityClaims.Tenant))
        {
            throw http.User.IsInRole(IdentityClaims.AdminRole)
                ? new StreamHubException(ErrorCodes.Forbidden, "the operator key is for /admin; stream with a tenant key")
                : new StreamHubException(ErrorCodes.Unauthorized, $"the API key is not known; send a tenant key as {sendKeyAs}");
        }

        return Resolve(http.User, Guid.NewGuid().ToString("N"), http.Connection.RemoteIpAddress);
    }

    private Caller Resolve(ClaimsPrincipal? user, string anonymousScope, IPAddress? address)
    {
        var tenant = user?.FindFirst(IdentityClaims.Tenant)?.Value;
        if (tenant is not null)
        {
            var tier = Enum.TryParse<Priority>(user!.FindFirst(IdentityClaims.Tier)?.Value, ignoreCase: true, out var parsed)
                ? parsed
                : Priority.Normal;
            return Caller.ForTenant(tenant, tier, LimitsOf(tenant)) with { Models = ModelsOf(user) };
        }

        if (!anonymous.Allowed)
        {
            throw new StreamHubException(ErrorCodes.Unauthorized, "this StreamHub needs an API key; send it as a bearer token");
        }

        var settings = options.Value;
        return Caller.ForAnonymous(anonymousScope, ClientAddress.Of(address), settings.AnonymousTier, settings.AnonymousLimits.ToSettings());
    }

    /// <summary>A configured tenant's own limits; only a JWT can name a tenant that is not configured.</summary>
    private TenantLimitSettings LimitsOf(string tenant) => tenants.FindByName(tenant) is { } configured
        ? new TenantLimitSettings(configured.RequestsPerMinute, configured.TokensPerMinute, configured.MaxConcurrentStreams)
        : jwt.Value.DefaultLimits.ToSettings();

    private static List<string>? ModelsOf(ClaimsPrincipal user)
    {
        List<string>? models = null;
        foreach (var claim in user.FindAll(IdentityClaims.Model))
        {
            (models ??= []).Add(claim.Value);
        }

        return models;
    }
}
