using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// The cluster's pool, queues and permit holders as operators and metrics see them (one script, which ages the
/// line first as <see cref="PriorityAdmission.Snapshot"/> does); while the instance is on its own, its fallback
/// pool's, marked so.
/// </summary>
internal sealed class ClusterSnapshots(ClusterLink link, ClusterLedger ledger, FallbackPool fallback, ClusterLimits limits)
{
    /// <summary>The most waiters one snapshot lists (the counts are always whole).</summary>
    public const int MaxEntries = 10_000;

    public AdmissionSnapshot Read()
    {
        if (link.InCluster)
        {
            try
            {
                var values = link.Arguments(1);
                values[3] = MaxEntries;
                // A reply that is not the script's array (a reset or a failover mid-call) counts as "not a member": rejoin.
                var reply = (RedisResult[]?)link.Evaluate(ClusterScript.Snapshot, values);
                if (reply is { Length: > 0 } && (string?)reply[0] == "ok")
                {
                    return Parse(reply);
                }

                link.Rejoin();
            }
            catch (ClusterUnavailableException)
            {
                // On its own from now on: its own figures.
            }
        }

        var own = fallback.Snapshot();
        var instance = link.Member.InstanceId;
        var entries = own.Entries.Select(e => e with { Instance = instance }).ToArray();
        return own with { Entries = entries, Cluster = new ClusterView(instance, true, 0, fallback.Size, 0, LocalPermits(), []) };
    }

    private AdmissionSnapshot Parse(RedisResult[] reply)
    {
        var pool = (int)reply[1];
        var backpressureLimit = (int)reply[2];
        var held = (int)reply[3];
        var reserved = (int)reply[4];
        var instances = (int)reply[5];
        int[] queued = [(int)reply[6], (int)reply[7], (int)reply[8], (int)reply[9]];
        var at = 10;
        var entries = new QueuedRequest[(int)reply[at++]];
        for (var i = 0; i < entries.Length; i++)
        {
            var id = (string)reply[at + 3]!;
            entries[i] = new QueuedRequest(
                id,
                (string)reply[at + 2]!,
                (Priority)(int)reply[at + 4],
                (Priority)(int)reply[at + 5],
                TimeSpan.FromMilliseconds(Math.Max(0, (long)reply[at + 6])),
                i + 1,
                (string)reply[at + 1]!);
            at += 7;
        }

        var holders = new HeldPermit[(int)reply[at++]];
        for (var i = 0; i < holders.Length; i++)
        {
            holders[i] = new HeldPermit(
                (string)reply[at + 2]!,
                (string)reply[at + 1]!,
                (Priority)(int)reply[at + 3],
                (string)reply[at]!,
                TimeSpan.FromMilliseconds(Math.Max(0, (long)reply[at + 4])));
            at += 5;
        }

        var view = new ClusterView(link.Member.InstanceId, false, instances, limits.FallbackPool, reserved, LocalPermits(), holders);
        return new AdmissionSnapshot(pool, held, backpressureLimit, held + reserved >= backpressureLimit, queued, entries, view);
    }

    private int LocalPermits()
    {
        lock (link.Gate)
        {
            return ledger.Permits.Count;
        }
    }
}
