namespace StreamHub.Admission.Cluster;

/// <summary>
/// What this instance holds in the cluster, kept locally so that it can (re)register exactly that in one
/// rejoin: its permits, its waiters, its tenant leases and its resumable requests. Guarded by
/// <see cref="ClusterLink.Gate"/>.
/// </summary>
internal sealed class ClusterLedger(ClusterMember member)
{
    private long _next;

    public Dictionary<string, LocalPermit> Permits { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ClusterWaiter> Waiters { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ClusterTenantLease> TenantLeases { get; } = new(StringComparer.Ordinal);

    /// <summary>Resumable requests run here: request id to the record a survivor would need.</summary>
    public Dictionary<string, string> Resumables { get; } = new(StringComparer.Ordinal);

    /// <summary>An id no other instance uses: waiters, permits and tenant leases are named by it in Redis.</summary>
    public string NextId() => $"{member.InstanceId}:{Interlocked.Increment(ref _next)}";
}
