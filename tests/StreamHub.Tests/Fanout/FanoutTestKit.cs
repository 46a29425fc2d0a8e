namespace StreamHub.Tests.Fanout;

/// <summary>The two tenants of the fan-out tests: groups and watch are scoped to a tenant, so "b" is the outsider.</summary>
internal static class FanoutTestKit
{
    public const string KeyA = "tenant-a-key-0123456789";
    public const string KeyB = "tenant-b-key-0123456789";

    /// <summary>Tenants "a" and "b", and a resume grace long enough for any test.</summary>
    public static Dictionary<string, string?> TenantSettings() => new()
    {
        ["Tenants:0:Name"] = "a",
        ["Tenants:0:ApiKey"] = KeyA,
        ["Tenants:1:Name"] = "b",
        ["Tenants:1:ApiKey"] = KeyB,
        ["Fanout:ResumeGrace"] = "00:00:30",
    };
}
