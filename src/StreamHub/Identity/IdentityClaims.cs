namespace StreamHub.Identity;

/// <summary>Claim types and names StreamHub puts on an authenticated caller.</summary>
internal static class IdentityClaims
{
    public const string Scheme = "ApiKey";
    public const string Tenant = "streamhub:tenant";
    public const string Tier = "streamhub:tier";

    /// <summary>A model the caller may use, one claim each (from a JWT's <c>Identity:Jwt:ModelsClaim</c>).</summary>
    public const string Model = "streamhub:model";
    public const string AdminRole = "streamhub-admin";
    public const string HubCallerPolicy = "hub-caller";
    public const string AdminPolicy = "admin";
}
