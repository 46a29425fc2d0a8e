using StreamHub.Admission;
using StreamHub.Contracts;

namespace StreamHub.Identity;

/// <summary>
/// Who is asking: the tenant and the tier its identity grants (never what the request claims), what the caller's
/// request ids, groups and watches belong to (<see cref="Scope"/>), and what its limits count against
/// (<see cref="LimitKey"/>). For a tenant all three are its name. Anonymous callers share a name but nothing
/// else: each hub connection (and each <c>/v1</c> request) is a scope of its own, and their limits are pooled
/// per client address.
/// </summary>
public sealed record Caller
{
    /// <summary>
    /// Starts every anonymous scope and limit key. Tenant names are letters, digits, '_', '.' and '-' only, so no
    /// tenant can be named into an anonymous caller's scope or limits, nor into another tenant's through a separator.
    /// </summary>
    internal const string AnonymousName = "anonymous";

    private Caller(string tenant, Priority tier, bool isAnonymous, string scope, string limitKey, TenantLimitSettings limits)
    {
        Tenant = tenant;
        Tier = tier;
        IsAnonymous = isAnonymous;
        Scope = scope;
        LimitKey = limitKey;
        Limits = limits;
    }

    /// <summary>The name operators see in listings, logs and metrics: the tenant, or "anonymous".</summary>
    public string Tenant { get; }

    public Priority Tier { get; }

    public bool IsAnonymous { get; }

    /// <summary>What owns the caller's request ids, groups and watches; never shared between anonymous callers.</summary>
    public string Scope { get; }

    /// <summary>What the caller's requests, tokens and streams count against (tenant limits, queue fairness).</summary>
    public string LimitKey { get; }

    /// <summary>The limits counted against <see cref="LimitKey"/>.</summary>
    internal TenantLimitSettings Limits { get; }

    /// <summary>The models its identity lists (a JWT's models claim); null when it lists none (<see cref="ModelAccess"/> decides).</summary>
    public IReadOnlyList<string>? Models { get; init; }

    /// <param name="limits">Absent: unlimited.</param>
    internal static Caller ForTenant(string tenant, Priority tier, TenantLimitSettings? limits = null)
        => new(tenant, tier, isAnonymous: false, tenant, tenant, limits ?? TenantLimitSettings.Unlimited);

    /// <summary>The same caller again, as a survivor instance restores it from a resumable request's record.</summary>
    internal static Caller Restore(string tenant, Priority tier, bool isAnonymous, string scope, string limitKey, TenantLimitSettings limits, IReadOnlyList<string>? models)
        => new(tenant, tier, isAnonymous, scope, limitKey, limits) { Models = models };

    /// <param name="scope">Unique to the caller's connection or request (a SignalR connection id, a fresh id).</param>
    /// <param name="clientAddress">The client address its limits are pooled by.</param>
    internal static Caller ForAnonymous(string scope, string clientAddress, Priority tier, TenantLimitSettings limits)
        => new(AnonymousName, tier, isAnonymous: true, $"{AnonymousName}:{scope}", $"{AnonymousName}@{clientAddress}", limits);
}
