using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>Who is asking: the tenant and the tier its identity grants (never what the request claims).</summary>
public sealed record Caller(string Tenant, Priority Tier, bool IsAnonymous)
{
    public static readonly Caller Anonymous = new("anonymous", Priority.Normal, IsAnonymous: true);
}
