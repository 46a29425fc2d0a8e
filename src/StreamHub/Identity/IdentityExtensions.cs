using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using StreamHub.Validation;

namespace StreamHub.Identity;

internal static class IdentityExtensions
{
    /// <summary>
    /// API-key tenants and operators, optional JWTs (<c>Identity:Jwt</c>), the anonymous rule, and the hub
    /// and admin policies.
    /// </summary>
    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<IdentityOptions, IdentityOptionsValidator>(IdentityOptions.Section);
        builder.Services.AddSettings<TenantsOptions, TenantsOptionsValidator>(TenantsOptions.Section);
        builder.Services.AddSettings<JwtOptions, JwtOptionsValidator>(JwtOptions.Section);
        builder.Services.AddSingleton<ApiKeyDirectory>();
        builder.Services.AddSingleton<CallerResolver>();
        var authentication = builder.Services.AddAuthentication(IdentityClaims.Scheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(IdentityClaims.Scheme, null);

        // JWTs only when configured: otherwise every bearer goes to the API-key scheme, as before.
        if (builder.Configuration.GetSection(JwtOptions.Section).Get<JwtOptions>() is { Enabled: true })
        {
            authentication.AddJwtBesideApiKeys();
        }

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(IdentityClaims.AdminPolicy, p => p.RequireRole(IdentityClaims.AdminRole))
            .AddPolicy(IdentityClaims.HubCallerPolicy, p => p.AddRequirements(new HubCallerRequirement()));
        builder.Services.AddSingleton<IAuthorizationHandler, HubCallerHandler>();
        return builder;
    }
}
