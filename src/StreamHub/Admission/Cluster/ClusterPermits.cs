using System.Threading.RateLimiting;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// The permits this instance holds, whichever pool granted them: each becomes an <see cref="AdmissionLease"/>
/// whose first dispose returns it exactly once, to the cluster (one release script, which also starts whoever
/// may start) or, while the instance is on its own, to the fallback pool and later to the rejoin's reckoning.
/// </summary>
internal sealed class ClusterPermits(ClusterLink link, ClusterLedger ledger, FallbackPool fallback, ClusterRejoin rejoin, TimeProvider time, ILogger<ClusterPermits> logger)
{
    /// <summary>
    /// Under the gate: records a permit and makes its lease. <paramref name="fallbackLease"/> is the fallback
    /// pool's lease when that pool granted it; a permit the cluster granted while the instance is on its own is
    /// counted in the fallback pool too.
    /// </summary>
    public AdmissionLease Hold(string id, AdmissionTicket ticket, RateLimitLease? fallbackLease)
    {
        var permit = new LocalPermit(id, ticket)
        {
            Shadow = fallbackLease ?? (link.InCluster ? null : fallback.TryShadow()),
        };
        ledger.Permits.Add(id, permit);
        if (fallbackLease is not null && link.InCluster)
        {
            // Granted on its own just after the cluster took over again: the cluster must count it too.
            rejoin.AddLate([permit], [], []);
        }

        return new AdmissionLease(_ => Release(permit), time.GetTimestamp());
    }

    private void Release(LocalPermit permit)
    {
        RateLimitLease? shadow;
        bool inCluster;
        lock (link.Gate)
        {
            ledger.Permits.Remove(permit.Id);
            shadow = permit.Shadow;
            permit.Shadow = null;
            inCluster = link.InCluster;
        }

        shadow?.Dispose();
        if (inCluster)
        {
            _ = ReleaseAsync(permit.Id);
        }
    }

    private async Task ReleaseAsync(string id)
    {
        var values = link.Arguments(1);
        values[3] = id;
        try
        {
            await link.EvaluateAsync(ClusterScript.Release, values);
        }
        catch (ClusterUnavailableException)
        {
            // The next rejoin registers only the permits still held: this one is dropped then.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Cluster admission: releasing permit {Permit} failed", id);
        }
    }
}
