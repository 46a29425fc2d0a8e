using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>Who is asking: the tenant and the tier its identity grants (never what the request claims).</summary>
public sealed record Caller(string Tenant, Priority Tier, bool IsAnonymous)
{
    /// <summary>The models its identity lists (a JWT's models claim); null when it lists none (<see cref="ModelAccess"/> decides).</summary>
    public IReadOnlyList<string>? Models { get; init; }

    public static readonly Caller Anonymous = new("anonymous", Priority.Normal, IsAnonymous: true);
}
