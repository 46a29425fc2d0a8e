using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;

namespace StreamHub.Identity;

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
