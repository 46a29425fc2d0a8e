using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// A tenant's hold on one request across the cluster. A correction made before the end travels with the
/// release (one round trip); one made after it is sent on its own. While the instance is on its own,
/// <see cref="Local"/> counts it in the fallback's per-instance limits.
/// </summary>
internal sealed class ClusterTenantLease(ClusterTenantLimits owner, string id, string tenant, long charged) : ITenantLease
{
    private int _disposed;

    public string Id { get; } = id;

    public string Tenant { get; } = tenant;

    /// <summary>The tenant's window the tokens were charged to (0 when charged on this instance alone).</summary>
    public long WindowId { get; set; }

    public long Charged { get; } = charged;

    /// <summary>The real usage, once reported.</summary>
    public int? Actual { get; set; }

    /// <summary>The fallback's lease counting this request on this instance; null while none does.</summary>
    public TenantLease? Local { get; set; }

    public bool Released => Volatile.Read(ref _disposed) == 1;

    /// <summary>The tenant release script's arguments: the end (<paramref name="release"/>) and/or the real usage.</summary>
    public RedisValue[] ReleaseArguments(ClusterLink link, bool release)
    {
        var values = link.Arguments(6);
        values[3] = Id;
        values[4] = Tenant;
        values[5] = WindowId;
        values[6] = Charged;
        values[7] = Actual ?? -1;
        values[8] = release ? "1" : "0";
        return values;
    }

    public void Correct(int actualTokens)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(actualTokens);
        owner.Correct(this, actualTokens);
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            owner.Release(this);
        }
    }
}
