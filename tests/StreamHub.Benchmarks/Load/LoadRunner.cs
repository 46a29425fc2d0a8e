using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// Runs the steps (<c>load</c>: one, <c>ladder</c>: several): each step <c>--repeat</c> runs of every peer
/// (<see cref="PeerRun"/>), then the medians per peer with ratios to nginx and YARP. One JSON and one markdown
/// file per invocation, rewritten after every run so an interrupted ladder keeps what it measured.
/// </summary>
internal static class LoadRunner
{
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static async Task<int> RunAsync(LoadOptions o)
    {
        var repo = RepoRoot();
        var (resultsDir, name) = ResultName(o, repo, o.Ladder ? "ladder" : "load");
        var file = new RunFile
        {
            StartedUtc = DateTime.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            CommandLine = o.CommandLine,
            Machine = Machine.Describe(),
            Runs = [],
            Medians = [],
        };
        var path = Path.Combine(resultsDir, name + ".json");
        Console.WriteLine($"machine: {string.Join(", ", file.Machine.Select(kv => $"{kv.Key}={kv.Value}"))}");
        Console.WriteLine($"peers: {string.Join(", ", o.Peers.Select(p => p.Name()))}");
        Console.WriteLine($"results: {path} (and .md)");
        file.Warnings.AddRange(Warnings(o));
        file.Warnings.ForEach(w => Console.WriteLine("warning: " + w));

        foreach (var streams in o.Steps)
        {
            var runs = new List<RunResult>();
            for (var run = 1; run <= o.Repeat; run++)
            {
                Console.WriteLine($"== {streams} streams x {o.Tokens(streams)} tokens at {o.TokensPerSecond}/s, run {run}/{o.Repeat}");
                var result = await PeerRun.RunAsync(o, repo, Path.Combine(resultsDir, "logs", name), streams, run);
                runs.Add(result);
                file.Runs.Add(result);
                await SaveAsync(file, path);
            }

            var median = Report.Median(runs);
            file.Medians.Add(median);
            await SaveAsync(file, path);

            // The stop rule looks at StreamHub over SignalR/JSON (the contract's default), else the last peer.
            var decider = median.Peers.Find(p => p.Peer == Peer.HubJson.Name()) ?? median.Peers.LastOrDefault();
            var failPercent = decider?.FailedPercent ?? 100;
            var p99 = decider?.TokenLatenessP99Ms ?? double.PositiveInfinity;
            if (failPercent > o.MaxFailPercent || p99 > o.MaxP99Ms)
            {
                file.StoppedBecause = string.Create(CultureInfo.InvariantCulture,
                    $"{streams} streams, {decider?.Peer ?? "no peer"}: {failPercent:0.##}% failed, per-token lateness p99 {p99:0.#} ms (limits {o.MaxFailPercent}% / {o.MaxP99Ms} ms)");
                Console.WriteLine("stop: " + file.StoppedBecause);
                await SaveAsync(file, path);
                break;
            }
        }

        Console.WriteLine();
        Console.WriteLine(MarkdownReport.Render(file));
        return 0;
    }

    /// <summary>
    /// A .NET proxy holds two sockets per SSE stream (client and upstream) in one process; past the hard limit on
    /// open files it refuses connections, which would show as that peer's failures though it is this machine's.
    /// nginx spreads its sockets over its workers (reuseport), so it needs about half of that per process.
    /// </summary>
    private static IEnumerable<string> Warnings(LoadOptions o)
    {
        var limit = Machine.OpenFilesHardLimit();
        var proxies = o.Peers.Where(p => p is Peer.Yarp or Peer.HubSse).Select(p => p.Name()).ToList();
        foreach (var streams in o.Steps)
        {
            if (proxies.Count > 0 && (2 * streams) + 200 > limit)
            {
                yield return string.Create(CultureInfo.InvariantCulture,
                    $"{streams} streams: each of {string.Join(", ", proxies)} needs about {(2 * streams) + 200} open files in one process, over the hard limit here ({limit}): raise it where the machine allows, or read their failures at this step as the machine's");
            }
        }
    }

    /// <summary>The results folder and a file name (without extension) stamped with the start time.</summary>
    public static (string Dir, string Name) ResultName(LoadOptions o, string repo, string kind)
    {
        var dir = o.ResultsDir ?? Path.Combine(repo, "tests", "StreamHub.Benchmarks", "results");
        Directory.CreateDirectory(dir);
        var stamp = DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        return (dir, $"{stamp}-{kind}{(o.Label.Length > 0 ? "-" + o.Label : "")}");
    }

    public static string RepoRoot()
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

    private static async Task SaveAsync(RunFile file, string path)
    {
        await File.WriteAllTextAsync(path, JsonSerializer.Serialize(file, Json));
        await File.WriteAllTextAsync(Path.ChangeExtension(path, ".md"), MarkdownReport.Render(file));
    }
}
