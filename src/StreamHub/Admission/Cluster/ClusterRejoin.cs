using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// Makes this instance a member again with exactly what it holds (one script): its permits, waiters, tenant
/// leases and resumable requests. Whatever changed locally while the script was in flight is squared right
/// after, under the gate, before anything else reaches Redis: permits returned meanwhile are released, permits
/// granted by the fallback pool meanwhile are added.
/// </summary>
internal sealed class ClusterRejoin(ClusterLink link, ClusterLedger ledger, ClusterLimits limits, ILogger<ClusterRejoin> logger)
{
    private const int Fixed = 19;

    /// <summary>Joins; returns the waiters Redis granted meanwhile and those it no longer knows (to queue again).</summary>
    /// <exception cref="ClusterUnavailableException">Redis did not answer.</exception>
    public async Task<(List<string> Granted, List<string> Lost)> RunAsync()
    {
        HashSet<string> permits, resumables;
        Dictionary<string, ClusterTenantLease> leases;
        RedisValue[] values;
        lock (link.Gate)
        {
            permits = [.. ledger.Permits.Keys];
            leases = new(ledger.TenantLeases, StringComparer.Ordinal);
            resumables = [.. ledger.Resumables.Keys];
            values = Build(full: true, ledger.Permits.Values, ledger.Waiters.Keys, ledger.TenantLeases.Values, ledger.Resumables);
        }

        var reply = (RedisResult[])(await link.EvaluateAsync(ClusterScript.Rejoin, values))!;
        var granted = new List<string>();
        var lost = new List<string>();
        var at = 1;
        for (var n = (int)reply[at++]; n > 0; n--)
        {
            granted.Add((string)reply[at++]!);
        }

        for (var n = (int)reply[at++]; n > 0; n--)
        {
            lost.Add((string)reply[at++]!);
        }

        limits.Apply(reply, at);
        lock (link.Gate)
        {
            link.MarkJoined((string)reply[0]!);
            SquareUp(permits, leases, resumables);
        }

        return (granted, lost);
    }

    /// <summary>Under the gate: adds what was granted locally after the cluster took over (fire and forget, in order).</summary>
    public void AddLate(IReadOnlyCollection<LocalPermit> permits, IReadOnlyCollection<ClusterTenantLease> leases, IReadOnlyCollection<KeyValuePair<string, string>> resumables)
    {
        var values = Build(full: false, permits, [], leases, resumables);
        _ = SendAsync(values);
    }

    private void SquareUp(HashSet<string> permits, Dictionary<string, ClusterTenantLease> leases, HashSet<string> resumables)
    {
        List<LocalPermit> latePermits = [];
        foreach (var permit in ledger.Permits.Values)
        {
            if (!permits.Remove(permit.Id))
            {
                latePermits.Add(permit);
            }
        }

        List<ClusterTenantLease> lateLeases = [];
        foreach (var lease in ledger.TenantLeases.Values)
        {
            if (!leases.Remove(lease.Id))
            {
                lateLeases.Add(lease);
            }
        }

        List<KeyValuePair<string, string>> lateResumables = [];
        foreach (var resumable in ledger.Resumables)
        {
            if (!resumables.Remove(resumable.Key))
            {
                lateResumables.Add(resumable);
            }
        }

        if (latePermits.Count + lateLeases.Count + lateResumables.Count > 0)
        {
            AddLate(latePermits, lateLeases, lateResumables);
        }

        // What is left in the sets ended while the rejoin was in flight, and the rejoin registered it again.
        foreach (var id in permits)
        {
            var release = link.Arguments(1);
            release[3] = id;
            _ = SendAsync(ClusterScript.Release, release);
        }

        foreach (var id in resumables)
        {
            var forget = link.Arguments(2);
            forget[3] = id;
            forget[4] = "";
            _ = SendAsync(ClusterScript.Resumable, forget);
        }

        foreach (var lease in leases.Values)
        {
            _ = SendAsync(ClusterScript.TenantRelease, lease.ReleaseArguments(link, release: true));
        }
    }

    private RedisValue[] Build(
        bool full,
        IReadOnlyCollection<LocalPermit> permits,
        IReadOnlyCollection<string> waiters,
        IReadOnlyCollection<ClusterTenantLease> leases,
        IReadOnlyCollection<KeyValuePair<string, string>> resumables)
    {
        var values = link.Arguments(Fixed + (permits.Count * 4) + waiters.Count + (leases.Count * 4) + (resumables.Count * 2));
        values[3] = (long)link.Member.LeaseDeadline.TotalMilliseconds;
        values[4] = link.AfterOutage ? "1" : "0";
        values[5] = Guid.NewGuid().ToString("N");
        values[6] = full ? "1" : "0";
        ClusterLimits.Write(limits.Current, values, 7);
        values[16] = link.Member.ExpectedInstances;
        values[17] = (long)link.Member.LeaseTimeout.TotalMilliseconds;
        values[18] = permits.Count;
        values[19] = waiters.Count;
        values[20] = leases.Count;
        values[21] = resumables.Count;
        var at = 22;
        foreach (var permit in permits)
        {
            values[at++] = permit.Id;
            values[at++] = permit.Ticket.Tenant;
            values[at++] = (int)permit.Ticket.Priority;
            values[at++] = permit.Ticket.RequestId;
        }

        foreach (var waiter in waiters)
        {
            values[at++] = waiter;
        }

        foreach (var lease in leases)
        {
            values[at++] = lease.Id;
            values[at++] = lease.Tenant;
            values[at++] = lease.WindowId;
            values[at++] = lease.Charged;
        }

        foreach (var (id, record) in resumables)
        {
            values[at++] = id;
            values[at++] = record;
        }

        return values;
    }

    private Task SendAsync(RedisValue[] values) => SendAsync(ClusterScript.Rejoin, values);

    private async Task SendAsync(ClusterScript script, RedisValue[] values)
    {
        try
        {
            await link.EvaluateAsync(script, values);
        }
        catch (ClusterUnavailableException)
        {
            // The next rejoin registers everything held then.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Cluster admission: {Script} failed", script.Name);
        }
    }
}
