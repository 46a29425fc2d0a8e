namespace StreamHub.Benchmarks.Load;

/// <summary>What the streams go through on their way from the emulator to the client.</summary>
internal enum Peer
{
    /// <summary>Nothing: the client reads the emulator's SSE itself (the baseline every peer is compared with).</summary>
    Direct,

    /// <summary>nginx with <c>proxy_buffering off</c> and a keep-alive upstream, started by the runner.</summary>
    Nginx,

    /// <summary>A YARP 2.3.0 passthrough (tests/StreamHub.YarpPeer).</summary>
    Yarp,

    /// <summary>StreamHub's hub, SignalR JSON protocol.</summary>
    HubJson,

    /// <summary>StreamHub's hub, SignalR MessagePack protocol.</summary>
    HubMessagePack,

    /// <summary>StreamHub's OpenAI-compatible <c>/v1/chat/completions</c> (SSE).</summary>
    HubSse,

    /// <summary>
    /// StreamHub's hub (SignalR JSON) with <c>Redis:ConnectionString</c> set, to a redis-server the runner starts for
    /// the phase: watch buffers and the backplane in Redis. Not in <c>all</c>; its Redis commands per token are recorded.
    /// </summary>
    HubRedis,
}
