namespace StreamHub.Identity;

/// <summary>
/// The one rule for what a tenant may be called, whether a <c>Tenants:N:Name</c> or a JWT's tenant claim: 1 to 64
/// letters, digits, '_', '.' or '-' (so no name holds a separator that group names, watch keys or anonymous
/// scopes use), and not the name anonymous callers are shown under.
/// </summary>
internal static class TenantNames
{
    public const string Pattern = "^[A-Za-z0-9_.-]{1,64}$";

    public const string Rule = "1 to 64 characters of A-Z, a-z, 0-9, '_', '.' or '-', and not 'anonymous'";

    /// <summary>"anonymous" in any case: a tenant under that name would pass for the callers without a key.</summary>
    public static bool IsReserved(string name) => string.Equals(name, Caller.AnonymousName, StringComparison.OrdinalIgnoreCase);
}
