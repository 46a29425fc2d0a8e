using StackExchange.Redis;

namespace StreamHub.Fanout;

/// <summary>
/// The instances that asked for one watch buffer, each until its lease runs out (<see cref="WatchKeys.WatcherLease"/>,
/// renewed by each ask): whom a writer wakes after a write. Guarded by the writer's lock.
/// </summary>
internal sealed class WatcherLeases(TimeProvider time)
{
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal);

    /// <summary>Starts or renews <paramref name="instance"/>'s lease; its wake channel when the lease is new.</summary>
    public RedisChannel? Renew(string instance)
    {
        var until = time.GetTimestamp() + Ticks();
        if (_leases.TryGetValue(instance, out var lease))
        {
            lease.Until = until;
            return null;
        }

        lease = new Lease(WatchKeys.Wake(instance), until);
        _leases[instance] = lease;
        return lease.Channel;
    }

    /// <summary>Publishes <paramref name="notice"/> to every instance whose lease runs, and forgets the others.</summary>
    public void Wake(ISubscriber subscriber, RedisValue notice)
    {
        if (_leases.Count == 0)
        {
            return;
        }

        var now = time.GetTimestamp();
        List<string>? gone = null;
        foreach (var (instance, lease) in _leases)
        {
            if (now > lease.Until)
            {
                (gone ??= []).Add(instance);
            }
            else
            {
                subscriber.Publish(lease.Channel, notice, CommandFlags.FireAndForget);
            }
        }

        gone?.ForEach(instance => _leases.Remove(instance));
    }

    private long Ticks() => (long)(WatchKeys.WatcherLease.TotalSeconds * time.TimestampFrequency);

    private sealed class Lease(RedisChannel channel, long until)
    {
        public RedisChannel Channel { get; } = channel;

        public long Until { get; set; } = until;
    }
}
