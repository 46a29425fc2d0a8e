using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// Who this instance is in the cluster and the timing of its lease. The lease is renewed every
/// <see cref="HeartbeatInterval"/> (a tenth of <c>Admission:LeaseTimeout</c>) to <see cref="LeaseDeadline"/>
/// from Redis's now, so an instance that dies is reaped by a survivor's next heartbeat: within
/// <c>LeaseTimeout</c> of its last renewal. An outage shorter than <see cref="Tolerance"/> loses nothing.
/// </summary>
internal sealed class ClusterMember
{
    public ClusterMember(string channelPrefix, AdmissionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        InstanceId = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        BaseKey = $"{{{channelPrefix}:admission}}";
        ChannelBase = $"{channelPrefix}:adm:";
        InstanceChannel = RedisChannel.Literal($"adm:{InstanceId}");
        LeaseTimeout = options.LeaseTimeout;
        HeartbeatInterval = options.LeaseTimeout / 10;
        LeaseDeadline = LeaseTimeout - HeartbeatInterval;
        ExpectedInstances = options.ExpectedInstances;
    }

    /// <summary>Machine, process and a random suffix: unique per process, readable in operators' lists.</summary>
    public string InstanceId { get; }

    /// <summary>A hash tag: every key of the cluster's admission state sits in one Redis Cluster slot.</summary>
    public RedisKey BaseKey { get; }

    /// <summary>What scripts publish to (SE.Redis's channel prefix included); instance ids or <c>all</c> follow.</summary>
    public string ChannelBase { get; }

    /// <summary>Grants for this instance's waiters (subscribed without the prefix, which SE.Redis adds).</summary>
    public RedisChannel InstanceChannel { get; }

    /// <summary>Queue positions, changed limits and reaped instances, for everyone.</summary>
    public static RedisChannel AllChannel { get; } = RedisChannel.Literal("adm:all");

    public TimeSpan LeaseTimeout { get; }

    public TimeSpan HeartbeatInterval { get; }

    /// <summary>How far ahead of Redis's now each renewal sets the lease's end.</summary>
    public TimeSpan LeaseDeadline { get; }

    /// <summary>The longest Redis outage after which this instance's lease is surely still alive.</summary>
    public TimeSpan Tolerance => LeaseDeadline - HeartbeatInterval;

    public int ExpectedInstances { get; }
}
