using System.Globalization;
using StreamHub.Benchmarks.Soak;

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
        // Memory is counted from a lightly warmed process (two rounds of up to 200 streams: code loaded, small pools), the
        // baseline of every earlier run; CPU from one warmed until its JIT is quiet, with as many streams as the phase.
        await WarmUpAsync(host, o, streams, counters: null, perRound: LightWarmupStreams);
        var baseline = ProcSample.Read(host.Pids)?.RssKb;
        await using var counters = peer.IsDotnet() && host.Pids.Count > 0 ? RuntimeCounters.TryStart(host.Pids[0], 1) : null;
        var warmup = o.FullWarmup ? await WarmUpAsync(host, o, streams, counters) : 2;

        var redisBefore = host.Redis is { } redis ? await redis.ReadAsync() : default;
        var jittedBefore = counters?.Latest(MethodsJitted);
        PhaseResult phase;
        using (var connect = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            await using var consumer = await host.ConnectAsync(streams, o.PerConnection, connect.Token);
            phase = await PhaseMeter.MeasureAsync(host, consumer, streams, shape, ramp, emulatorPid, deadline);
        }

        phase.WarmupRounds = warmup;

        // Per active stream over the lightly warmed process: what the full warm-up sized (pools for N streams, its finished
        // requests' watch buffers) counts too, not only what the phase added to a process already sized for it.
        phase.RssBaselineKb = baseline;
        if (baseline is { } idle && phase.RssPeakKb is { } peak)
        {
            phase.KbPerStream = Math.Round((peak - idle) / (double)streams, 1);
        }
        // The clients are gone: what the finished streams left behind in the peer.
        await Task.Delay(TimeSpan.FromSeconds(3));
        phase.RssAfterKb = ProcSample.Read(host.Pids)?.RssKb;
        phase.MethodsJittedInPhase = counters?.Latest(MethodsJitted) - jittedBefore;
        if (host.Redis is { } server)
        {
            phase.Redis = RedisPeer.Between(redisBefore, await server.ReadAsync(), phase.TokensDelivered);
        }

        return phase;
    }

    /// <summary>
    /// JIT and tiered compilation, connection pools and caches in the peer, the emulator and this client, outside the
    /// measurement: rounds of ~1 s streams, then a quiet second. A .NET peer is warmed until its JIT is quiet (a round
    /// and its quiet second compiled fewer than <see cref="QuietJitMethods"/> methods, at most <see cref="MaxWarmupRounds"/>
    /// rounds): with tiered PGO a method is compiled three times (tier 0, instrumented, tier 1), and the last two only
    /// after 30 calls each and a 100 ms pause in new compilations, so two fixed rounds left the JIT busy in the
    /// measured phase, most for the peer with the most code. Others (nginx): two rounds. Returns the rounds run.
    /// </summary>
    public static async Task<int> WarmUpAsync(PeerHost host, LoadOptions o, int streams, RuntimeCounters? counters = null, int perRound = WarmupStreams)
    {
        var warm = Math.Min(perRound, streams);
        var shape = new StreamShape(40, 40, TimeSpan.Zero);
        double? jitted = null;
        for (var round = 1; ; round++)
        {
            using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
            {
                await using var consumer = await host.ConnectAsync(warm, o.PerConnection, cts.Token);
                await PhaseMeter.DriveAsync(consumer, warm, shape, TimeSpan.Zero, new PhaseRecorder(warm, shape.Tokens, shape.TokensPerSecond, shape.FirstTokenDelay), cts.Token);
            }

            // Tier-up happens in the background once calls stop; the counters refresh every second.
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var now = counters?.Latest(MethodsJitted);
            var quiet = now is null ? round >= 2 : jitted is not null && now - jitted < QuietJitMethods;
            jitted = now;
            if (quiet || round == MaxWarmupRounds)
            {
                return round;
            }
        }
    }

    /// <summary>The <c>System.Runtime</c> counter of methods compiled so far.</summary>
    private const string MethodsJitted = "methods-jitted-count";

    /// <summary>A warm-up round that compiled fewer methods than this left the JIT quiet.</summary>
    private const int QuietJitMethods = 20;

    private const int MaxWarmupRounds = 8;

    /// <summary>
    /// Streams per warm-up round: as many as the phase up to this, so that the peer's upstream pool holds the phase's
    /// connections and its concurrent paths are compiled, as in a gateway that has been serving for a while.
    /// </summary>
    private const int WarmupStreams = 1_000;

    /// <summary>Streams per round of the light warm-up that memory is counted from (the whole warm-up of earlier runs).</summary>
    private const int LightWarmupStreams = 200;
}
