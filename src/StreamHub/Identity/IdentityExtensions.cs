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
            .Validate(TenantsAreValid, "Tenants:N: each tenant needs a unique Name (A-Z, a-z, 0-9, _ . -), an ApiKey of at least 16 characters, and limits of at least 1")
            .ValidateOnStart();
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

    private static bool TenantsAreValid(TenantsOptions options)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in options.Tenants)
        {
            if (!System.Text.RegularExpressions.Regex.IsMatch(tenant.Name, "^[A-Za-z0-9_.-]{1,64}$")
                || tenant.ApiKey.Length < 16
                || !names.Add(tenant.Name)
                || !keys.Add(tenant.ApiKey)
                || tenant.RequestsPerMinute < 1
                || tenant.TokensPerMinute < 1
                || tenant.MaxConcurrentStreams < 1)
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A hub caller is a tenant, or anyone when anonymous access is on and no bad key was presented.</summary>
internal sealed class HubCallerRequirement : IAuthorizationRequirement;

internal sealed class HubCallerHandler(IOptions<IdentityOptions> options) : AuthorizationHandler<HubCallerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, HubCallerRequirement requirement)
    {
        if (context.User.HasClaim(c => c.Type == IdentityClaims.Tenant))
        {
            context.Succeed(requirement);
        }
        else if (options.Value.AllowAnonymous && context.Resource is HttpContext http
            && ApiKeyAuthenticationHandler.PresentedKey(http.Request) is null)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
