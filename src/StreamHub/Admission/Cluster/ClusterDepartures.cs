using StackExchange.Redis;
using StreamHub.Contracts;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// How a waiter leaves the cluster's line other than by a grant: its <c>Admission:MaxQueueWait</c> runs out (a
/// TimeProvider timer) or its caller cancels. It leaves the local list at once and Redis's line by one script,
/// which also says whether a grant beat it: then the permit is the waiter's after all (a timeout) or is returned
/// (a cancel).
/// </summary>
internal sealed class ClusterDepartures(ClusterLink link, ClusterLedger ledger, ClusterLimits limits, ClusterPermits permits, TimeProvider time, ILogger<ClusterDepartures> logger)
{
    private static readonly TimerCallback OnTimeout = static state => ((ClusterWaiter)state!).Departures.Leave((ClusterWaiter)state!, timedOut: true, default);
    private static readonly Action<object?, CancellationToken> OnCanceled = static (state, token) => ((ClusterWaiter)state!).Departures.Leave((ClusterWaiter)state!, timedOut: false, token);

    /// <summary>Sets a queued waiter's timeout and cancellation; either may fire at once.</summary>
    public void Arm(ClusterWaiter waiter, CancellationToken cancellationToken)
    {
        waiter.MaxWait = limits.Current.MaxQueueWait;
        waiter.Timer = time.CreateTimer(OnTimeout, waiter, waiter.MaxWait, Timeout.InfiniteTimeSpan);
        waiter.Registration = cancellationToken.UnsafeRegister(OnCanceled, waiter);
        bool queued;
        lock (link.Gate)
        {
            queued = ledger.Waiters.ContainsKey(waiter.Id);
        }

        if (!queued)
        {
            // Granted or moved before its timer was set: whoever took it out saw neither.
            waiter.Disarm();
        }
    }

    /// <summary>A waiter's timeout or cancellation: out of the local list at once, out of Redis's line by script.</summary>
    private void Leave(ClusterWaiter waiter, bool timedOut, CancellationToken token)
    {
        if (!Take(waiter))
        {
            return;
        }

        waiter.Disarm();
        if (!timedOut)
        {
            waiter.TrySetCanceled(token);
        }

        _ = LeaveAsync(waiter, timedOut);
    }

    private async Task LeaveAsync(ClusterWaiter waiter, bool timedOut)
    {
        var values = link.Arguments(1);
        values[3] = waiter.Id;
        var outcome = "gone";
        RedisResult[]? reply = null;
        try
        {
            reply = (RedisResult[])(await link.EvaluateAsync(ClusterScript.Cancel, values))!;
            outcome = (string?)reply[0] ?? "gone";
        }
        catch (ClusterUnavailableException)
        {
            // The next rejoin lists only the waiters still waiting: Redis's entry goes then.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Cluster admission: taking waiter {Waiter} out of the line failed", waiter.Id);
        }

        if (outcome == "granted")
        {
            // A grant beat the cancel or the timeout: the permit is this instance's either way.
            AdmissionLease lease;
            lock (link.Gate)
            {
                lease = permits.Hold(waiter.Id, waiter.Ticket, fallbackLease: null);
            }

            if (!timedOut || !waiter.TrySetResult(lease))
            {
                lease.Dispose();
            }

            return;
        }

        if (timedOut)
        {
            var reason = $"waited {AdmissionRejection.Seconds(waiter.MaxWait)} s in the {AdmissionRule.Name(waiter.Tier)} queue";
            var ahead = reply is { Length: > 2 } ? (int)reply[1] : 0;
            var hold = reply is { Length: > 2 } ? (long)reply[2] : 1000;
            waiter.TrySetResult(limits.Reject(ErrorCodes.QueueTimeout, reason, ahead, hold));
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
