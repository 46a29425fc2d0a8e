using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// Keeps this instance a member: joins before the app serves, renews the lease every
/// <see cref="ClusterMember.HeartbeatInterval"/> (the same script reaps dead instances and ages the line), and
/// while Redis is unreachable tries to rejoin at that pace; squares up with Redis when a grant may have been
/// missed (<see cref="ClusterMessages"/>). A clean stop leaves at once instead of at lease expiry.
/// </summary>
internal sealed class ClusterHeartbeat(
    ClusterLink link,
    ClusterRejoin rejoin,
    ClusterLine line,
    ClusterLedger ledger,
    ClusterLimits limits,
    ClusterResumableJournal journal,
    ClusterMessages messages,
    TimeProvider time,
    ILogger<ClusterHeartbeat> logger) : BackgroundService
{
    private bool _moved;
    private bool _warned;
    private int _mismatches;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        messages.Start();
        await messages.SubscribeAsync();
        await StepAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        messages.Stop();
        if (link.InCluster)
        {
            try
            {
                await link.EvaluateAsync(ClusterScript.Leave, link.Arguments(0)).WaitAsync(TimeSpan.FromSeconds(2), time, cancellationToken);
            }
            catch (Exception ex) when (ex is ClusterUnavailableException or TimeoutException or OperationCanceledException)
            {
                // The lease expires by itself.
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await link.WaitAsync(link.Member.HeartbeatInterval, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            await StepAsync();
        }
    }

    private async Task StepAsync()
    {
        try
        {
            if (!messages.Subscribed)
            {
                await messages.SubscribeAsync();
            }

            if (link.InCluster && !messages.ResyncDue)
            {
                await BeatAsync();
            }
            else
            {
                await RejoinAsync();
            }
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Cluster admission: heartbeat failed");
        }
    }

    private async Task BeatAsync()
    {
        var values = link.Arguments(1);
        values[3] = (long)link.Member.LeaseDeadline.TotalMilliseconds;
        RedisResult[] reply;
        try
        {
            reply = (RedisResult[])(await link.EvaluateAsync(ClusterScript.Heartbeat, values))!;
        }
        catch (ClusterUnavailableException)
        {
            return;
        }

        if ((string?)reply[0] != "ok")
        {
            link.Rejoin();
            await RejoinAsync();
            return;
        }

        limits.Apply(reply, 3);
        if ((long)reply[2] > 0)
        {
            journal.OrphansWaiting();
        }

        // A grant lost with a broken subscription shows as fewer waiters in Redis than queued here, twice running
        // (once may be a grant still on its way).
        var waiting = 0;
        lock (link.Gate)
        {
            foreach (var waiter in ledger.Waiters.Values)
            {
                waiting += waiter.Queued ? 1 : 0;
            }
        }

        _mismatches = waiting > (int)reply[1] ? _mismatches + 1 : 0;
        if (_mismatches >= 2)
        {
            _mismatches = 0;
            await RejoinAsync();
        }
    }

    private async Task RejoinAsync()
    {
        if (!link.InCluster && !_moved && link.SinceContact > link.Member.Tolerance)
        {
            // The lease may be gone: waiters queue again in the fallback pool rather than wait for Redis.
            _moved = true;
            line.Requeue(null);
        }

        try
        {
            messages.ResyncDue = false;
            var (granted, lost) = await rejoin.RunAsync();
            _moved = false;
            foreach (var id in granted)
            {
                line.Granted(id);
            }

            line.Requeue(lost);
            journal.OrphansWaiting();
        }
        catch (ClusterUnavailableException ex) when (!_warned)
        {
            _warned = true;
            logger.LogWarning(
                "Cluster admission: Redis is unreachable ({Error}); admitting on this instance alone until it answers",
                ex.InnerException?.Message ?? ex.Message);
        }
        catch (ClusterUnavailableException)
        {
            // Still unreachable; the next heartbeat tries again.
        }
    }
}
