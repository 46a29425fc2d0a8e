namespace StreamHub.Benchmarks.Load;

/// <summary>The peers' names on the command line and in the results, in the order a run measures them.</summary>
internal static class Peers
{
    public static readonly Peer[] All = [Peer.Direct, Peer.Nginx, Peer.Yarp, Peer.HubJson, Peer.HubMessagePack, Peer.HubSse];

    /// <summary>Every peer a run may name: <see cref="All"/> and the ones only measured when asked for.</summary>
    private static readonly Peer[] Known = [.. All, Peer.HubRedis];

    public static string Name(this Peer peer) => peer switch
    {
        Peer.Direct => "direct",
        Peer.Nginx => "nginx",
        Peer.Yarp => "yarp",
        Peer.HubJson => "hub-json",
        Peer.HubMessagePack => "hub-msgpack",
        Peer.HubSse => "hub-sse",
        Peer.HubRedis => "hub-redis",
        _ => throw new ArgumentOutOfRangeException(nameof(peer)),
    };

    public static bool IsStreamHub(this Peer peer) => peer is Peer.HubJson or Peer.HubMessagePack or Peer.HubSse or Peer.HubRedis;

    /// <summary>Peers that run on .NET, whose runtime counters (GC pauses) the soak can read.</summary>
    public static bool IsDotnet(this Peer peer) => peer is Peer.Yarp || peer.IsStreamHub();

    /// <summary>"direct,nginx,hub-json" in that order; "all" for every peer.</summary>
    public static Peer[] Parse(string list)
    {
        if (list == "all")
        {
            return All;
        }

        var peers = new List<Peer>();
        foreach (var name in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var peer = Array.Find(Known, p => p.Name() == name);
            if (peer == default && name != Peer.Direct.Name())
            {
                throw new FormatException($"unknown peer '{name}' (peers: {string.Join(", ", Known.Select(p => p.Name()))}, or all)");
            }

            if (!peers.Contains(peer))
            {
                peers.Add(peer);
            }
        }

        return peers.Count > 0 ? [.. peers] : throw new FormatException("--peers needs at least one peer");
    }
}
