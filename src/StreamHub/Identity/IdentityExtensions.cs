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
        builder.Services.AddSingleton<AnonymousAccess>();
        builder.Services.AddSingleton<CallerResolver>();
        builder.Services.AddHostedService<AnonymousAccessWarning>();
        builder.Services.AddSingleton<ModelAccess>();

        // The JWT scheme is always there; the selector sends a bearer to it only when Identity:Jwt turns
        // JWTs on, so every bearer goes to the API-key scheme otherwise, as before.
        builder.Services.AddAuthentication(JwtIdentityExtensions.BearerScheme)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(IdentityClaims.Scheme, null)
            .AddJwtBesideApiKeys();

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(IdentityClaims.AdminPolicy, p => p.RequireRole(IdentityClaims.AdminRole))
            .AddPolicy(IdentityClaims.HubCallerPolicy, p => p.AddRequirements(new HubCallerRequirement()));
        builder.Services.AddSingleton<IAuthorizationHandler, HubCallerHandler>();
        return builder;
    }
}
