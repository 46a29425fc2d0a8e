namespace StreamHub.Benchmarks.Load;

/// <summary>One peer, up and answering: where its clients connect, which processes to measure, how to stop it.</summary>
internal sealed class PeerHost(Peer peer, Uri root, Func<IReadOnlyList<int>> pids, Func<ValueTask> stop, RedisPeer? redis = null) : IAsyncDisposable
{
    public Peer Peer => peer;

    public Uri Root => root;

    /// <summary>The peer's processes (none for direct); CPU, RSS and threads are summed over them.</summary>
    public IReadOnlyList<int> Pids => pids();

    /// <summary>The redis-server the peer uses (<c>hub-redis</c> only).</summary>
    public RedisPeer? Redis => redis;

    /// <summary>A client for <paramref name="streams"/> streams: SignalR connections for the hub peers, one HttpClient for the SSE ones.</summary>
    public async Task<IStreamConsumer> ConnectAsync(int streams, int perConnection, CancellationToken ct) => peer switch
    {
        Peer.HubJson or Peer.HubRedis => await HubConsumer.ConnectAsync(root, streams, perConnection, messagePack: false, ct),
        Peer.HubMessagePack => await HubConsumer.ConnectAsync(root, streams, perConnection, messagePack: true, ct),
        _ => new SseConsumer(root),
    };

    public async ValueTask DisposeAsync()
    {
        await stop();
        if (redis is not null)
        {
            await redis.DisposeAsync();
        }
    }
}
