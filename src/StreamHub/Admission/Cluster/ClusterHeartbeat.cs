using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// Keeps this instance a member: joins before the app serves, renews the lease every
/// <see cref="ClusterMember.HeartbeatInterval"/> (the same script reaps dead instances and ages the line), and
/// while Redis is unreachable tries to rejoin at that pace. It subscribes to the instance's channel (grants) and
/// the cluster's (positions, limits, reaped instances). A clean stop leaves at once instead of at lease expiry.
/// </summary>
internal sealed class ClusterHeartbeat(
    ClusterLink link,
    ClusterRejoin rejoin,
    ClusterLine line,
    ClusterLedger ledger,
    ClusterLimits limits,
    ClusterResumableJournal journal,
    ILogger<ClusterHeartbeat> logger) : BackgroundService
{
    private readonly Action<RedisChannel, RedisValue> _onMessage = (_, message) => OnMessage(message!, line, link, journal);
    private bool _subscribed;
    private volatile bool _resync;
    private bool _moved;
    private bool _warned;
    private int _mismatches;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        link.Redis.ConnectionRestored += OnRestored;
        await SubscribeAsync();
        await StepAsync();
        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        link.Redis.ConnectionRestored -= OnRestored;
        if (link.InCluster)
        {
            try
            {
                await link.EvaluateAsync(ClusterScript.Leave, link.Arguments(0)).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
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

    private static void OnMessage(string message, ClusterLine line, ClusterLink link, ClusterResumableJournal journal)
    {
        switch (message.Length > 1 ? message[0] : ' ')
        {
            case 'g':
                line.Granted(message[2..]);
                break;
            case 'p':
                line.Positions(message.AsSpan(2));
                break;
            case 'l':
                // Limits changed somewhere: the heartbeat reads them now.
                link.Wake();
                break;
            case 'r' when !message.StartsWith("r|0|", StringComparison.Ordinal):
                journal.OrphansWaiting();
                break;
        }
    }

    private async Task StepAsync()
    {
        try
        {
            if (!_subscribed)
            {
                await SubscribeAsync();
            }

            if (link.InCluster && !_resync)
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

        // A grant lost with a broken subscription shows as fewer waiters in Redis than here, twice running.
        int waiting;
        lock (link.Gate)
        {
            waiting = ledger.Waiters.Count;
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
            var (granted, lost) = await rejoin.RunAsync();
            _resync = false;
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

    private async Task SubscribeAsync()
    {
        var subscriber = link.Redis.GetSubscriber();
        try
        {
            subscriber.Unsubscribe(link.Member.InstanceChannel, _onMessage, CommandFlags.FireAndForget);
            subscriber.Unsubscribe(ClusterMember.AllChannel, _onMessage, CommandFlags.FireAndForget);
            await subscriber.SubscribeAsync(link.Member.InstanceChannel, _onMessage);
            await subscriber.SubscribeAsync(ClusterMember.AllChannel, _onMessage);
            _subscribed = true;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            _subscribed = false;
        }
    }

    /// <summary>Messages may have been lost while a connection was down: square up with Redis at once.</summary>
    private void OnRestored(object? sender, ConnectionFailedEventArgs e)
    {
        _resync = true;
        link.Wake();
    }
}
