using System.Security.Claims;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>Turns the authenticated principal into a <see cref="Caller"/>: tenant and tier from identity only.</summary>
internal sealed class CallerResolver(IOptions<IdentityOptions> options)
{
    public Caller Resolve(ClaimsPrincipal? user)
    {
        var tenant = user?.FindFirst(IdentityClaims.Tenant)?.Value;
        if (tenant is not null)
        {
            var tier = Enum.TryParse<Priority>(user!.FindFirst(IdentityClaims.Tier)?.Value, ignoreCase: true, out var parsed)
                ? parsed
                : Priority.Normal;
            return new Caller(tenant, tier, IsAnonymous: false) { Models = ModelsOf(user) };
        }

        if (!options.Value.AllowAnonymous)
        {
            throw new StreamHubException(ErrorCodes.Unauthorized, "this StreamHub needs an API key; send it as a bearer token");
        }

        return Caller.Anonymous with { Tier = options.Value.AnonymousTier };
    }

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
