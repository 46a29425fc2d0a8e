using StackExchange.Redis;

namespace StreamHub.Admission.Cluster;

/// <summary>
/// The cluster's pub/sub: grants on this instance's channel, and on the cluster's channel the first queue
/// positions after each change, changed limits and reaped instances. Messages published while a connection was
/// down are lost, so a restored connection asks for a rejoin, which squares up with Redis (<see cref="ResyncDue"/>).
/// </summary>
internal sealed class ClusterMessages
{
    private readonly ClusterLink _link;
    private readonly ClusterLine _line;
    private readonly ClusterResumableJournal _journal;
    private readonly Action<RedisChannel, RedisValue> _onMessage;
    private readonly EventHandler<ConnectionFailedEventArgs> _onRestored;
    private volatile bool _resync;

    public ClusterMessages(ClusterLink link, ClusterLine line, ClusterResumableJournal journal)
    {
        _link = link;
        _line = line;
        _journal = journal;
        _onMessage = (_, message) => OnMessage(message!);
        _onRestored = (_, _) =>
        {
            _resync = true;
            link.Wake();
        };
    }

    public bool Subscribed { get; private set; }

    /// <summary>Set when a connection came back: messages may have been lost.</summary>
    public bool ResyncDue
    {
        get => _resync;
        set => _resync = value;
    }

    public void Start() => _link.Redis.ConnectionRestored += _onRestored;

    public void Stop() => _link.Redis.ConnectionRestored -= _onRestored;

    public async Task SubscribeAsync()
    {
        var subscriber = _link.Redis.GetSubscriber();
        try
        {
            // A failed attempt may have been recorded: never keep a handler twice.
            subscriber.Unsubscribe(_link.Member.InstanceChannel, _onMessage, CommandFlags.FireAndForget);
            subscriber.Unsubscribe(ClusterMember.AllChannel, _onMessage, CommandFlags.FireAndForget);
            await subscriber.SubscribeAsync(_link.Member.InstanceChannel, _onMessage);
            await subscriber.SubscribeAsync(ClusterMember.AllChannel, _onMessage);
            Subscribed = true;
        }
        catch (Exception ex) when (ex is RedisConnectionException or RedisTimeoutException)
        {
            Subscribed = false;
        }
    }

    private void OnMessage(string message)
    {
        switch (message.Length > 1 ? message[0] : ' ')
        {
            case 'g':
                _line.Granted(message[2..]);
                break;
            case 'p':
                _line.Positions(message.AsSpan(2));
                break;
            case 'l':
                // Limits changed somewhere: the heartbeat reads them now.
                _link.Wake();
                break;
            case 'r' when !message.StartsWith("r|0|", StringComparison.Ordinal):
                _journal.OrphansWaiting();
                break;
        }
    }
}
