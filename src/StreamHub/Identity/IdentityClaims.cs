namespace StreamHub.Identity;

/// <summary>Claim types and names StreamHub puts on an authenticated caller.</summary>
internal static class IdentityClaims
{
    public const string Scheme = "ApiKey";
    public const string Tenant = "streamhub:tenant";
    public const string Tier = "streamhub:tier";
    public const string AdminRole = "streamhub-admin";
    public const string HubCallerPolicy = "hub-caller";
    public const string AdminPolicy = "admin";
}
