using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// Runs the steps: for each, fresh emulator and StreamHub processes (unless targets are given), a warm-up,
/// the direct-SSE phase, then the same load through StreamHub; one JSON file per invocation.
/// </summary>
internal static class LoadRunner
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(LoadOptions o)
    {
        var repo = RepoRoot();
        var resultsDir = o.ResultsDir ?? Path.Combine(repo, "tests", "StreamHub.Benchmarks", "results");
        Directory.CreateDirectory(resultsDir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var name = $"{stamp}-{(o.Ladder ? "ladder" : "load")}{(o.Label.Length > 0 ? "-" + o.Label : "")}";
        var file = new RunFile
        {
            StartedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            CommandLine = (o.Ladder ? "ladder " : "load ") + o.CommandLine,
            Machine = Machine.Describe(),
            Runs = [],
            Medians = [],
        };
        var path = Path.Combine(resultsDir, name + ".json");
        Console.WriteLine($"machine: {string.Join(", ", file.Machine.Select(kv => $"{kv.Key}={kv.Value}"))}");
        Console.WriteLine($"results: {path}");

        foreach (var streams in o.Steps)
        {
            var runs = new List<RunResult>();
            for (var run = 1; run <= o.Repeat; run++)
            {
                Console.WriteLine($"== {streams} streams x {o.Tokens(streams)} tokens at {o.TokensPerSecond}/s, run {run}/{o.Repeat}");
                var result = await RunOnceAsync(o, repo, Path.Combine(resultsDir, "logs", name), streams, run);
                runs.Add(result);
                file.Runs.Add(result);
                Console.WriteLine(Report.Line(result));
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, Json));
            }

            var median = Report.Median(runs);
            file.Medians.Add(median);
            Console.WriteLine("median: " + string.Join(", ", median.Select(kv => $"{kv.Key}={kv.Value}")));
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, Json));

            var failPercent = median["failedPercent"] is double f ? f : 100;
            var p99 = median["hubTokenLatenessP99Ms"] is double p ? p : double.PositiveInfinity;
            if (failPercent > o.MaxFailPercent || p99 > o.MaxP99Ms)
            {
                file.StoppedBecause = $"{streams} streams: {failPercent:0.##}% failed, per-token p99 {p99:0.#} ms (limits {o.MaxFailPercent}% / {o.MaxP99Ms} ms)";
                Console.WriteLine("stop: " + file.StoppedBecause);
                await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, Json));
                break;
            }
        }

        return 0;
    }

    private static async Task<RunResult> RunOnceAsync(LoadOptions o, string repo, string logDir, int streams, int run)
    {
        var ramp = o.Ramp(streams);
        var tokens = o.Tokens(streams);
        var result = new RunResult
        {
            Streams = streams,
            Run = run,
            TokensPerSecondPerStream = o.TokensPerSecond,
            TokensPerStream = tokens,
            FirstTokenDelayMs = o.FirstTokenDelay.TotalMilliseconds,
            StreamsPerConnection = o.PerConnection,
            RampMs = ramp.TotalMilliseconds,
        };
        var emulatorRoot = o.EmulatorTarget ?? new Uri($"http://127.0.0.1:{o.EmulatorPort}/");
        var hubRoot = o.Target ?? new Uri($"http://127.0.0.1:{o.HubPort}/");
        ChildProcess? emulator = null;
        ChildProcess? hub = null;
        try
        {
            if (o.EmulatorTarget is null)
            {
                emulator = ChildProcess.Start(
                    o.EmulatorDll ?? Path.Combine(repo, "src", "StreamHub.Emulator", "bin", "Release", "net10.0", "StreamHub.Emulator.dll"),
                    [
                        "--urls", emulatorRoot.ToString().TrimEnd('/'),
                        "--Emulator:FirstTokenDelay=" + o.FirstTokenDelay.ToString("c", CultureInfo.InvariantCulture),
                        "--Emulator:TokensPerSecond=" + o.TokensPerSecond.ToString(CultureInfo.InvariantCulture),
                        "--Emulator:DefaultMaxTokens=" + tokens.ToString(CultureInfo.InvariantCulture),
                    ],
                    Path.Combine(logDir, $"emulator-{streams}-{run}.log"));
                await emulator.WaitReadyAsync(new Uri(emulatorRoot, "/v1/models"), TimeSpan.FromSeconds(30));
            }

            if (o.Target is null)
            {
                hub = ChildProcess.Start(
                    o.HubDll ?? Path.Combine(repo, "src", "StreamHub", "bin", "Release", "net10.0", "StreamHub.dll"),
                    HubArguments(o, hubRoot, emulatorRoot, streams),
                    Path.Combine(logDir, $"streamhub-{streams}-{run}.log"),
                    o.HubEnv);
                await hub.WaitReadyAsync(hubRoot, TimeSpan.FromSeconds(30));
            }

            var hubPid = hub?.Pid ?? o.HubPid;
            var emulatorPid = emulator?.Pid ?? o.EmulatorPid;

            // Warm-up: JIT and tiered compilation (tier-1 needs ~30 calls plus a quiet 100 ms) in all three
            // processes and on both paths, outside the measurement. Two rounds of ~1 s streams each.
            var warm = Math.Min(200, streams);
            for (var round = 0; round < 2; round++)
            {
                using var warmCts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                await HubLoad.RunAsync(hubRoot, o, warm, 40, 40, TimeSpan.Zero, TimeSpan.Zero, new PhaseRecorder(warm, 40, 40, TimeSpan.Zero), warmCts.Token);
                if (!o.SkipDirect)
                {
                    await DirectLoad.RunAsync(emulatorRoot, warm, 40, 40, TimeSpan.Zero, TimeSpan.Zero, new PhaseRecorder(warm, 40, 40, TimeSpan.Zero), warmCts.Token);
                }
            }

            await Task.Delay(TimeSpan.FromSeconds(1));
            var deadline = ramp + o.FirstTokenDelay + TimeSpan.FromSeconds(tokens / o.TokensPerSecond) + TimeSpan.FromSeconds(o.SlackSeconds);

            if (!o.SkipDirect)
            {
                result.Contention["direct"] = Contention();
                var direct = new PhaseRecorder(streams, tokens, o.TokensPerSecond, o.FirstTokenDelay);
                result.Direct = await MeasureAsync("direct", direct, emulatorPid, emulatorPid, deadline, ct =>
                    DirectLoad.RunAsync(emulatorRoot, streams, tokens, o.TokensPerSecond, o.FirstTokenDelay, ramp, direct, ct));
                await Task.Delay(TimeSpan.FromSeconds(2));
            }

            result.Contention["hub"] = Contention();
            var through = new PhaseRecorder(streams, tokens, o.TokensPerSecond, o.FirstTokenDelay);
            result.Hub = await MeasureAsync("hub", through, hubPid, emulatorPid, deadline, ct =>
                HubLoad.RunAsync(hubRoot, o, streams, tokens, o.TokensPerSecond, o.FirstTokenDelay, ramp, through, ct));

            await Task.Delay(TimeSpan.FromSeconds(3));
            result.Hub.RssAfterKb = ProcSample.Read(hubPid)?.RssKb;
            Report.Compare(result);
        }
        catch (Exception e)
        {
            result.Error = e.GetType().Name + ": " + e.Message;
            Console.WriteLine("run failed: " + result.Error);
        }
        finally
        {
            if (hub is not null)
            {
                await hub.DisposeAsync();
            }

            if (emulator is not null)
            {
                await emulator.DisposeAsync();
            }
        }

        return result;
    }

    private static List<string> HubArguments(LoadOptions o, Uri hubRoot, Uri emulatorRoot, int streams) =>
    [
        .. BaseHubArguments(o, hubRoot, emulatorRoot, streams),
        .. o.HubArgs,
    ];

    private static List<string> BaseHubArguments(LoadOptions o, Uri hubRoot, Uri emulatorRoot, int streams) =>
    [
        "--urls", hubRoot.ToString().TrimEnd('/'),
        "--Upstream:Regions:0:Name=bench",
        "--Upstream:Regions:0:BaseUrl=" + new Uri(emulatorRoot, "/v1"),
        // One HTTP/1.1 connection per upstream stream: the default pool (256) would queue the rest.
        "--Upstream:Regions:0:MaxConnections=" + Math.Max(256, streams + 100).ToString(CultureInfo.InvariantCulture),
        "--Admission:MaxConcurrentStreams=20000",
        "--Admission:QueueLimits:Normal=100000",
        "--Streaming:MaxStreamsPerConnection=" + o.PerConnection.ToString(CultureInfo.InvariantCulture),
        "--Logging:LogLevel:Default=Warning",
        "--Logging:LogLevel:Microsoft.AspNetCore.Hosting.Lifetime=Warning",
    ];

    private static async Task<PhaseResult> MeasureAsync(string phase, PhaseRecorder recorder, int? serverPid, int? emulatorPid, TimeSpan deadline, Func<CancellationToken, Task> drive)
    {
        var serverBefore = ProcSample.Read(serverPid);
        var emulatorBefore = ProcSample.Read(emulatorPid);
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var overflowsBefore = TcpCounters.ListenOverflows();
        using var cts = new CancellationTokenSource(deadline);
        using var progress = new Progress(phase, recorder, serverPid);
        var driving = drive(cts.Token);
        await progress.RunUntilAsync(driving);
        try
        {
            await driving;
        }
        catch (OperationCanceledException)
        {
            // Deadline: the streams still open were counted as failed by their probes.
        }

        var serverAfter = ProcSample.Read(serverPid);
        var emulatorAfter = ProcSample.Read(emulatorPid);
        var summary = recorder.Summarize(phase);
        summary.PeakTokensPerSecond = progress.PeakRate;
        summary.ListenOverflows = TcpCounters.ListenOverflows() - overflowsBefore;
        summary.ClientCpuSeconds = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalSeconds, 2);
        if (serverBefore is { } sb && serverAfter is { } sa)
        {
            summary.ServerCpuSeconds = Math.Round(sa.CpuSeconds - sb.CpuSeconds, 2);
            summary.ServerCpuMicrosPerToken = PerToken(summary.ServerCpuSeconds.Value, summary.TokensDelivered);
            summary.RssIdleKb = sb.RssKb;
            summary.RssPeakKb = Math.Max(progress.PeakRssKb, sa.PeakRssKb);
            summary.KbPerStream = Math.Round((summary.RssPeakKb.Value - sb.RssKb) / (double)recorder.Streams, 1);
        }

        if (emulatorBefore is { } eb && emulatorAfter is { } ea)
        {
            summary.EmulatorCpuSeconds = Math.Round(ea.CpuSeconds - eb.CpuSeconds, 2);
            summary.EmulatorCpuMicrosPerToken = PerToken(summary.EmulatorCpuSeconds.Value, summary.TokensDelivered);
        }

        return summary;
    }

    private static string Contention()
        => $"psi-some-avg10={Machine.CpuPressure()} loadavg={File.ReadAllText("/proc/loadavg").Split(' ')[0]}";

    private static double? PerToken(double cpuSeconds, long tokens) => tokens == 0 ? null : Math.Round(cpuSeconds * 1e6 / tokens, 2);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Hub.sln")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
