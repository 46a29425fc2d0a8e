using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StreamHub.Benchmarks.Load;

namespace StreamHub.Benchmarks.Soak;

/// <summary>
/// <c>soak</c>: N streams through one peer for D minutes; each slot starts a new stream as soon as its last
/// one ends, so N stay open. Every <c>--sample-s</c> a <see cref="SoakSampler"/> reads RSS, threads, CPU
/// per token, GC pauses and transport times; at the end the RSS slope after warm-up. JSON and SVG beside
/// the other results.
/// </summary>
internal static class SoakRunner
{
    public static async Task<int> RunAsync(LoadOptions o)
    {
        var repo = LoadRunner.RepoRoot();
        var peer = o.SoakPeer;
        var streams = o.Steps[0];
        var shape = o.Shape(streams);
        var (resultsDir, name) = LoadRunner.ResultName(o, repo, "soak-" + peer.Name());
        var path = Path.Combine(resultsDir, name + ".json");
        var soak = new SoakResult
        {
            StartedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            CommandLine = o.CommandLine,
            Machine = Machine.Describe(),
            Peer = peer.Name(),
            Streams = streams,
            TokensPerStream = shape.Tokens,
            TokensPerSecondPerStream = shape.TokensPerSecond,
            Minutes = o.Minutes,
            SampleSeconds = o.SampleSeconds,
            WarmupSeconds = o.SoakWarmup.TotalSeconds,
        };
        Console.WriteLine($"soak: {peer.Name()}, {streams} streams x {shape.Tokens} tokens at {shape.TokensPerSecond}/s for {o.Minutes} min; results: {path} (and .svg)");

        var logPrefix = Path.Combine(resultsDir, "logs", name, "soak");
        ChildProcess? emulator = null;
        try
        {
            (var emulatorRoot, var emulatorPid, emulator) = await EmulatorHost.StartAsync(o, repo, shape.Tokens, logPrefix + "-emulator.log");
            await using var host = await PeerLauncher.StartAsync(peer, o, repo, emulatorRoot, streams, logPrefix);
            await PeerRun.WarmUpAsync(host, o, streams);
            await using var counters = peer.IsDotnet() && host.Pids.Count > 0 ? RuntimeCounters.TryStart(host.Pids[0], 1) : null;
            using (var connect = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
            {
                await using var consumer = await host.ConnectAsync(streams, o.PerConnection, connect.Token);
                await DriveAsync(o, soak, host, consumer, counters, emulatorPid, streams, shape);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            soak.Error = e.GetType().Name + ": " + e.Message;
            Console.WriteLine("soak failed: " + soak.Error);
        }
        finally
        {
            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }

        SoakSummary.Fill(soak);
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(soak, LoadRunner.Json));
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".svg"), SvgChart.Render(soak));
        Console.WriteLine(SoakSummary.Text(soak));
        return soak.Error is null ? 0 : 1;
    }

    private static async Task DriveAsync(LoadOptions o, SoakResult soak, PeerHost host, IStreamConsumer consumer, RuntimeCounters? counters, int? emulatorPid, int streams, StreamShape shape)
    {
        var recorder = new SoakRecorder(shape.Tokens);
        var duration = TimeSpan.FromMinutes(o.Minutes);
        var streamLength = shape.FirstTokenDelay + TimeSpan.FromSeconds(shape.Tokens / shape.TokensPerSecond);

        // After D minutes no new stream starts; the open ones get their own length plus the slack to finish.
        using var hard = new CancellationTokenSource(duration + streamLength + TimeSpan.FromSeconds(o.SlackSeconds));
        var started = Stopwatch.GetTimestamp();
        bool Running() => Stopwatch.GetElapsedTime(started) < duration;
        var ramp = o.Ramp(streams);
        var slots = new Task[streams];
        for (var i = 0; i < streams; i++)
        {
            var slot = i;
            slots[i] = Task.Run(async () =>
            {
                await Task.Delay(ramp * ((double)slot / streams), hard.Token);
                while (Running() && !hard.IsCancellationRequested)
                {
                    SoakRecorder.Probe? probe = null;
                    await consumer.RunStreamAsync(slot, shape, () => probe = recorder.Begin(), hard.Token);
                    if (probe?.Failed == true)
                    {
                        // A peer that refuses at once must not turn the slot into a busy loop.
                        await Task.Delay(TimeSpan.FromSeconds(1), hard.Token);
                    }
                }
            });
        }

        var sampler = new SoakSampler(host, counters, emulatorPid, recorder, started);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(o.SampleSeconds));
        var all = Task.WhenAll(slots);
        while (!all.IsCompleted && await timer.WaitForNextTickAsync())
        {
            var sample = sampler.Take(draining: !Running());
            soak.Samples.Add(sample);
            Console.WriteLine(SoakSummary.Line(sample));
        }

        try
        {
            await all;
        }
        catch (OperationCanceledException)
        {
            // The hard deadline: streams still open were counted as failed ("deadline").
        }

        soak.Samples.Add(sampler.Take(draining: true));
        soak.StreamsStarted = recorder.Started;
        soak.StreamsCompleted = recorder.Completed;
        soak.StreamsFailed = recorder.Failed;
        soak.FailuresByCode = recorder.FailuresByCode;
        soak.TokensDelivered = recorder.Tokens;
        soak.CpuMicrosPerTokenAfterWarmup = sampler.CpuMicrosPerTokenSince(o.SoakWarmup);
    }
}
