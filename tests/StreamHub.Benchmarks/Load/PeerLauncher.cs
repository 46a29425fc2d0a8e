using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>Starts a peer in front of the emulator (fresh processes each time) and waits until it answers.</summary>
internal static class PeerLauncher
{
    public static async Task<PeerHost> StartAsync(Peer peer, LoadOptions o, string repo, Uri emulatorRoot, int streams, string logPrefix)
    {
        var log = $"{logPrefix}-{peer.Name()}.log";
        switch (peer)
        {
            case Peer.Direct:
                return new PeerHost(peer, emulatorRoot, () => [], () => ValueTask.CompletedTask);
            case Peer.Nginx:
                var nginx = await NginxPeer.StartAsync(o.NginxPath, o.NginxWorkers, emulatorRoot, streams, log);
                return new PeerHost(peer, nginx.Root, () => nginx.Pids, nginx.DisposeAsync);
            case Peer.Yarp:
                var yarpRoot = new Uri($"http://127.0.0.1:{FreePort.Next().ToString(CultureInfo.InvariantCulture)}/");
                var yarp = ChildProcess.Start(
                    o.YarpDll ?? Path.Combine(repo, "tests", "StreamHub.YarpPeer", "bin", "Release", "net10.0", "StreamHub.YarpPeer.dll"),
                    ["--urls", yarpRoot.ToString().TrimEnd('/'), "--Upstream=" + emulatorRoot],
                    log);
                return await ReadyAsync(peer, yarp, yarpRoot, new Uri(yarpRoot, "/v1/models"));
            default:
                if (o.Target is { } target)
                {
                    // A StreamHub the caller started: measured by --hub-pid, never stopped by the runner.
                    int[] external = o.HubPid is { } id ? [id] : [];
                    return new PeerHost(peer, target, () => external, () => ValueTask.CompletedTask);
                }

                var hubRoot = new Uri($"http://127.0.0.1:{(o.HubPort ?? FreePort.Next()).ToString(CultureInfo.InvariantCulture)}/");
                var redis = peer == Peer.HubRedis ? await RedisPeer.StartAsync($"{logPrefix}-redis.log") : null;
                var env = new Dictionary<string, string>(o.HubEnv);
                if (redis is not null)
                {
                    env["Redis__ConnectionString"] = redis.ConnectionString;
                }

                try
                {
                    var hub = ChildProcess.Start(
                        o.HubDll ?? Path.Combine(repo, "src", "StreamHub", "bin", "Release", "net10.0", "StreamHub.dll"),
                        [.. HubArguments(o, hubRoot, emulatorRoot, streams), .. o.HubArgs],
                        log,
                        env);
                    return await ReadyAsync(peer, hub, hubRoot, hubRoot, redis);
                }
                catch when (redis is not null)
                {
                    await redis.DisposeAsync();
                    throw;
                }
        }
    }

    public static List<string> HubArguments(LoadOptions o, Uri hubRoot, Uri emulatorRoot, int streams) =>
    [
        "--urls", hubRoot.ToString().TrimEnd('/'),
        "--Upstream:Regions:0:Name=bench",
        "--Upstream:Regions:0:BaseUrl=" + new Uri(emulatorRoot, "/v1"),
        // One HTTP/1.1 connection per upstream stream: a smaller pool would queue the rest.
        "--Upstream:Regions:0:MaxConnections=" + Math.Max(256, streams + 100).ToString(CultureInfo.InvariantCulture),
        "--Admission:MaxConcurrentStreams=20000",
        "--Admission:QueueLimits:Normal=100000",
        "--Streaming:MaxStreamsPerConnection=" + o.PerConnection.ToString(CultureInfo.InvariantCulture),
        // Every stream comes from one loopback address without a key: anonymous, and not limited as a crowd
        // of browsers behind one address would be (keys that do not exist yet are ignored).
        "--Identity:AllowAnonymous=true",
        "--Identity:AnonymousLimits:MaxConcurrentStreams=100000",
        "--Identity:AnonymousLimits:RequestsPerMinute=10000000",
        "--Identity:AnonymousLimits:TokensPerMinute=1000000000",
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Lifetime=Warning",
    ];

    private static async Task<PeerHost> ReadyAsync(Peer peer, ChildProcess process, Uri root, Uri probe, RedisPeer? redis = null)
    {
        try
        {
            await process.WaitReadyAsync(probe, TimeSpan.FromSeconds(30));
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }

        return new PeerHost(peer, root, () => [process.Pid], process.DisposeAsync, redis);
    }
}
