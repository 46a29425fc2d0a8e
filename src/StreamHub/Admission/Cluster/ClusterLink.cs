using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// This instance's link to the cluster's admission state in Redis: every script call goes through it, and it
/// knows whether the instance is a member (<see cref="InCluster"/>) or admitting on its own because Redis is
/// unreachable or the instance has not (re)joined yet. Mode changes happen under <see cref="Gate"/>, which also
/// guards the <see cref="ClusterLedger"/>, and tell <see cref="FellBack"/> / <see cref="Joined"/> listeners
/// under it, so a permit is always counted by exactly one of the cluster and the fallback pool.
/// </summary>
internal sealed class ClusterLink(IConnectionMultiplexer redis, ClusterMember member, TimeProvider time, ILogger<ClusterLink> logger)
{
    private const int HeaderLength = 3;
    private readonly RedisKey[] _keys = [member.BaseKey];
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _inCluster;
    private volatile string _epoch = "";
    private volatile bool _outage;
    private bool _joinedOnce;
    private long _lastContact = time.GetTimestamp();

    public ClusterMember Member => member;

    public IConnectionMultiplexer Redis => redis;

    /// <summary>Guards the mode, the epoch and the <see cref="ClusterLedger"/>.</summary>
    public Lock Gate { get; } = new();

    /// <summary>True while admission goes through the cluster; false while the fallback pool admits.</summary>
    public bool InCluster => _inCluster;

    /// <summary>Whether the instance lost Redis after having been a member (a rejoin then starts a settle window).</summary>
    public bool AfterOutage => _outage;

    /// <summary>How long since Redis last answered a call.</summary>
    public TimeSpan SinceContact => time.GetElapsedTime(Interlocked.Read(ref _lastContact));

    /// <summary>Called under <see cref="Gate"/> when the instance starts admitting on its own.</summary>
    public event Action? FellBack;

    /// <summary>Called under <see cref="Gate"/> when the instance is a member again.</summary>
    public event Action? Joined;

    /// <summary>The arguments of a call: the header every script reads (channels, instance, epoch), then <paramref name="extra"/> slots.</summary>
    public RedisValue[] Arguments(int extra)
    {
        var values = new RedisValue[HeaderLength + extra];
        values[0] = member.ChannelBase;
        values[1] = member.InstanceId;
        values[2] = _epoch;
        return values;
    }

    /// <summary>One script call; Redis being unreachable switches the instance to its fallback pool and throws <see cref="ClusterUnavailableException"/>.</summary>
    public async Task<RedisResult> EvaluateAsync(ClusterScript script, RedisValue[] values)
    {
        try
        {
            var result = await script.EvaluateAsync(redis.GetDatabase(), _keys, values);
            Interlocked.Exchange(ref _lastContact, time.GetTimestamp());
            return result;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            Unreachable(ex);
            throw new ClusterUnavailableException($"Redis did not answer {script.Name}", ex);
        }
    }

    /// <inheritdoc cref="EvaluateAsync"/>
    public RedisResult Evaluate(ClusterScript script, RedisValue[] values)
    {
        try
        {
            var result = script.Evaluate(redis.GetDatabase(), _keys, values);
            Interlocked.Exchange(ref _lastContact, time.GetTimestamp());
            return result;
        }
        catch (Exception ex) when (IsUnreachable(ex))
        {
            Unreachable(ex);
            throw new ClusterUnavailableException($"Redis did not answer {script.Name}", ex);
        }
    }

    /// <summary>A script said this instance is not a member (its lease expired, or Redis lost its state): rejoin now.</summary>
    public void Rejoin()
    {
        lock (Gate)
        {
            if (_inCluster)
            {
                logger.LogWarning("Cluster admission: this instance is no longer a member (lease expired or Redis lost its state); rejoining");
                Leave();
            }
        }

        Wake();
    }

    /// <summary>Under <see cref="Gate"/>: the instance is a member of <paramref name="epoch"/> again.</summary>
    public void MarkJoined(string epoch)
    {
        var wasOutage = _outage;
        _epoch = epoch;
        _outage = false;
        _inCluster = true;
        if (wasOutage)
        {
            logger.LogWarning("Cluster admission: Redis answers again; the cluster pool admits again");
        }
        else if (!_joinedOnce)
        {
            logger.LogInformation("Cluster admission: joined as {Instance}", member.InstanceId);
        }

        _joinedOnce = true;
        Joined?.Invoke();
    }

    /// <summary>Wakes the heartbeat loop early (a rejoin is due).</summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes after <paramref name="delay"/> (on the TimeProvider) or when woken.</summary>
    public async Task WaitAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        var wake = Volatile.Read(ref _wake).Task;
        await Task.WhenAny(wake, Task.Delay(delay, time, cancellationToken));
        cancellationToken.ThrowIfCancellationRequested();
    }

    private static bool IsUnreachable(Exception ex) => ex is RedisConnectionException or RedisTimeoutException or TimeoutException
        || (ex is RedisServerException server && (server.Message.StartsWith("LOADING", StringComparison.Ordinal) || server.Message.StartsWith("BUSY", StringComparison.Ordinal)));

    private void Unreachable(Exception ex)
    {
        lock (Gate)
        {
            if (!_inCluster)
            {
                return;
            }

            logger.LogWarning(
                "Cluster admission: Redis is unreachable ({Error}); admitting on this instance alone until it answers again",
                ex.Message);
            _outage = true;
            Leave();
        }

        Wake();
    }

    private void Leave()
    {
        _inCluster = false;
        FellBack?.Invoke();
    }
}
