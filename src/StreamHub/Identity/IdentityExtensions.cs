using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

internal static class IdentityExtensions
{
    /// <summary>
    /// API-key tenants and operators, optional JWTs (<c>Identity:Jwt</c>), the anonymous rule, and the hub
    /// and admin policies.
    /// </summary>
    public static IHostApplicationBuilder AddIdentity(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section).ValidateOnStart();
        builder.Services.AddOptions<TenantsOptions>()
            .Configure(o => builder.Configuration.Bind(o))
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TenantsOptions>, TenantsOptionsValidator>();
        builder.Services.AddSingleton<ApiKeyDirectory>();
        builder.Services.AddSingleton<CallerResolver>();
        builder.Services.AddOptions<JwtOptions>().BindConfiguration(JwtOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<JwtOptions>, JwtOptionsValidator>();
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
