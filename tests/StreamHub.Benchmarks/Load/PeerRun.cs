using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// One run of one step: a fresh emulator, then each peer in turn in fresh processes (warm-up, then the
/// measured phase, then RSS 3 s later), all driven by this process with the same schedule.
/// </summary>
internal static class PeerRun
{
    public static async Task<RunResult> RunAsync(LoadOptions o, string repo, string logDir, int streams, int run)
    {
        var ramp = o.Ramp(streams);
        var shape = o.Shape(streams);
        var result = new RunResult
        {
            Streams = streams,
            Run = run,
            TokensPerSecondPerStream = o.TokensPerSecond,
            TokensPerStream = shape.Tokens,
            FirstTokenDelayMs = o.FirstTokenDelay.TotalMilliseconds,
            StreamsPerConnection = o.PerConnection,
            RampMs = ramp.TotalMilliseconds,
        };
        var logPrefix = Path.Combine(logDir, string.Create(CultureInfo.InvariantCulture, $"{streams}-{run}"));
        var deadline = ramp + o.FirstTokenDelay + TimeSpan.FromSeconds(shape.Tokens / o.TokensPerSecond) + TimeSpan.FromSeconds(o.SlackSeconds);
        ChildProcess? emulator = null;
        try
        {
            (var emulatorRoot, var emulatorPid, emulator) = await EmulatorHost.StartAsync(o, repo, shape.Tokens, logPrefix + "-emulator.log");
            foreach (var peer in o.Peers)
            {
                try
                {
                    var phase = await MeasurePeerAsync(peer, o, repo, emulatorRoot, emulatorPid, streams, shape, ramp, deadline, logPrefix);
                    result.Peers.Add(phase);
                    Report.Compare(result);
                    Console.WriteLine(Report.Line(phase));
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    result.Errors[peer.Name()] = e.GetType().Name + ": " + e.Message;
                    Console.WriteLine($"  {peer.Name(),-11} not measured: {result.Errors[peer.Name()]}");
                }

                await Task.Delay(TimeSpan.FromSeconds(2));
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            result.Errors["emulator"] = e.GetType().Name + ": " + e.Message;
            Console.WriteLine("  run failed: " + result.Errors["emulator"]);
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }

        return result;
    }

    private static async Task<PhaseResult> MeasurePeerAsync(
        Peer peer, LoadOptions o, string repo, Uri emulatorRoot, int? emulatorPid, int streams, StreamShape shape, TimeSpan ramp, TimeSpan deadline, string logPrefix)
    {
        await using var host = await PeerLauncher.StartAsync(peer, o, repo, emulatorRoot, streams, logPrefix);
        await WarmUpAsync(host, o, streams);
        await Task.Delay(TimeSpan.FromSeconds(1));

        var redisBefore = host.Redis is { } redis ? await redis.ReadAsync() : default;
        PhaseResult phase;
        using (var connect = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await using var consumer = await host.ConnectAsync(streams, o.PerConnection, connect.Token);
            phase = await PhaseMeter.MeasureAsync(host, consumer, streams, shape, ramp, emulatorPid, deadline);
        }

        // The clients are gone: what the finished streams left behind in the peer.
        await Task.Delay(TimeSpan.FromSeconds(3));
        phase.RssAfterKb = ProcSample.Read(host.Pids)?.RssKb;
        if (host.Redis is { } server)
        {
            phase.Redis = RedisPeer.Between(redisBefore, await server.ReadAsync(), phase.TokensDelivered);
        }

        return phase;
    }

    /// <summary>
    /// JIT and tiered compilation (tier 1 needs ~30 calls plus a quiet 100 ms), connection pools and caches in
    /// the peer, the emulator and this client, outside the measurement: two rounds of ~1 s streams.
    /// </summary>
    public static async Task WarmUpAsync(PeerHost host, LoadOptions o, int streams)
    {
        var warm = Math.Min(200, streams);
        var shape = new StreamShape(40, 40, TimeSpan.Zero);
        for (var round = 0; round < 2; round++)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await using var consumer = await host.ConnectAsync(warm, o.PerConnection, cts.Token);
            await PhaseMeter.DriveAsync(consumer, warm, shape, TimeSpan.Zero, new PhaseRecorder(warm, shape.Tokens, shape.TokensPerSecond, shape.FirstTokenDelay), cts.Token);
        }
    }
}
