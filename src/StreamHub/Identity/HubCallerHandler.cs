using Microsoft.AspNetCore.Authorization;

namespace StreamHub.Identity;

internal sealed class HubCallerHandler(AnonymousAccess anonymous) : AuthorizationHandler<HubCallerRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, HubCallerRequirement requirement)
    {
        if (context.User.HasClaim(c => c.Type == IdentityClaims.Tenant))
        {
            context.Succeed(requirement);
        }
        else if (anonymous.Allowed && context.Resource is HttpContext http
            && ApiKeyAuthenticationHandler.PresentedKey(http.Request) is null)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
