using Microsoft.AspNetCore.Authorization;

namespace StreamHub.Identity;

/// <summary>A hub caller is a tenant, or anyone when anonymous access is on and no bad key was presented.</summary>
internal sealed class HubCallerRequirement : IAuthorizationRequirement;
