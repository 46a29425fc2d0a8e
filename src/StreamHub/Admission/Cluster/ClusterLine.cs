using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// This instance's requests in the cluster's one line: an arrival is one script call (a permit, queue_full,
/// or a place and its position); a grant arrives by pub/sub on this instance's channel; a cancel or a
/// timeout is <see cref="ClusterDepartures"/>'s. Nothing polls.
/// </summary>
internal sealed class ClusterLine(ClusterLink link, ClusterLedger ledger, ClusterLimits limits, ClusterPermits permits, ClusterDepartures departures)
{
    /// <summary>A permit, a rejection, or null when the request must queue again (the cluster is unreachable).</summary>
    public async ValueTask<AdmissionLease?> AcquireAsync(AdmissionTicket ticket, CancellationToken cancellationToken)
    {
        var tier = (int)ticket.Priority;
        var waiter = new ClusterWaiter(departures, ledger.NextId(), ticket, tier);
        lock (link.Gate)
        {
            // Listed before the script runs: its grant may arrive before the script's answer does.
            ledger.Waiters.Add(waiter.Id, waiter);
        }

        var values = link.Arguments(4);
        values[3] = waiter.Id;
        values[4] = ticket.Tenant;
        values[5] = tier;
        values[6] = ticket.RequestId;
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await link.EvaluateAsync(ClusterScript.Acquire, values))!;
        }
        catch (ClusterUnavailableException)
        {
            return Take(waiter) ? null : await waiter.Task;
        }

        switch ((string?)reply[0])
        {
            case "granted":
                lock (link.Gate)
                {
                    if (ledger.Waiters.Remove(waiter.Id))
                    {
                        return permits.Hold(waiter.Id, ticket, fallbackLease: null);
                    }
                }

                return await waiter.Task;
            case "queued":
                lock (link.Gate)
                {
                    waiter.Queued = true;
                }

                waiter.Report((int)reply[1]);
                departures.Arm(waiter, cancellationToken);
                return await waiter.Task;
            case "full" when Take(waiter):
                var limit = (int)reply[1];
                var full = $"the {AdmissionRule.Name(tier)} queue holds {limit} requests";
                return limits.Reject(ErrorCodes.QueueFull, full, (int)reply[2], (long)reply[3]);
            case "rejoin" when Take(waiter):
                link.Rejoin();
                return null;
            default:
                return await waiter.Task;
        }
    }

    /// <summary>A grant for one of this instance's waiters (pub/sub, or a rejoin that found it granted).</summary>
    public void Granted(string id)
    {
        ClusterWaiter? waiter;
        AdmissionLease lease;
        lock (link.Gate)
        {
            if (!ledger.Waiters.Remove(id, out waiter))
            {
                // Canceled or timed out meanwhile: the cancel script found it granted and returns it.
                return;
            }

            lease = permits.Hold(id, waiter.Ticket, fallbackLease: null);
        }

        waiter.Disarm();
        waiter.TrySetResult(lease);
    }

    /// <summary>Waiters that must queue again: moved to the fallback pool, or unknown to a Redis that lost its state.</summary>
    public void Requeue(IEnumerable<string>? ids)
    {
        List<ClusterWaiter> moved = [];
        lock (link.Gate)
        {
            foreach (var id in ids ?? [.. ledger.Waiters.Keys])
            {
                if (ledger.Waiters.Remove(id, out var waiter))
                {
                    moved.Add(waiter);
                }
            }
        }

        foreach (var waiter in moved)
        {
            waiter.Disarm();
            waiter.TrySetResult(null);
        }
    }

    /// <summary>The first positions of the cluster's line, after a change: this instance's waiters among them hear theirs.</summary>
    public void Positions(ReadOnlySpan<char> ids)
    {
        List<(ClusterWaiter, int)> changed = [];
        lock (link.Gate)
        {
            if (ledger.Waiters.Count == 0)
            {
                return;
            }

            var position = 0;
            foreach (var range in ids.Split(','))
            {
                position++;
                if (ledger.Waiters.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(ids[range], out var waiter))
                {
                    changed.Add((waiter, position));
                }
            }
        }

        foreach (var (waiter, position) in changed)
        {
            waiter.Report(position);
        }
    }

    private bool Take(ClusterWaiter waiter)
    {
        lock (link.Gate)
        {
            return ledger.Waiters.Remove(waiter.Id);
        }
    }
}
