using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>Each peer against direct within a run, the console lines, and the medians (and ratios) over a step's runs.</summary>
internal static class Report
{
    /// <summary>Added latency of every peer against the direct phase of the same run.</summary>
    public static void Compare(RunResult run)
    {
        if (run.Peers.Find(p => p.Phase == "direct") is not { } direct)
        {
            return;
        }

        foreach (var p in run.Peers)
        {
            if (p != direct)
            {
                p.AddedTokenMs = Minus(p.TransportMs, direct.TransportMs);
                p.AddedFirstTokenMs = Minus(p.TtftMs, direct.TtftMs);
            }
        }
    }

    public static string Line(PhaseResult p) => string.Create(CultureInfo.InvariantCulture,
        $"  {p.Phase,-11} ok {p.Completed}/{p.Streams} failed {p.Failed}{Codes(p)} peak {p.PeakActive} syn-drops {p.ListenOverflows}"
        + $" | transport p50 {p.TransportMs.P50:0.00} p99 {p.TransportMs.P99:0.00} ms, added {p.AddedTokenMs?.P50:0.00} / {p.AddedTokenMs?.P99:0.00}"
        + $" | ttft+ p50 {p.TtftAddedMs.P50:0.0} p99 {p.TtftAddedMs.P99:0.0}, added {p.AddedFirstTokenMs?.P50:0.0} / {p.AddedFirstTokenMs?.P99:0.0}"
        + $" | late p99 {p.TokenLatenessMs.P99:0.0} | {p.TokensPerSecond:0}/s"
        + $" | peer cpu {p.PeerCpuSeconds:0.00}s {p.PeerCpuMicrosPerToken:0.0} us/tok, emu {p.EmulatorCpuMicrosPerToken:0.0} us/tok, client {p.ClientCpuSeconds:0.00}s"
        + $" | rss {p.RssBaselineKb / 1024} warm, {p.RssIdleKb / 1024}->{p.RssPeakKb / 1024}->{p.RssAfterKb / 1024} MB ({p.KbPerStream:0.0} KB/stream) threads {p.PeakThreads}")
        + string.Create(CultureInfo.InvariantCulture, $" | warm-up {p.WarmupRounds} rounds, jit +{p.MethodsJittedInPhase:0} methods in phase") + Redis(p);

    private static string Redis(PhaseResult p) => p.Redis is not { } r ? "" : string.Create(CultureInfo.InvariantCulture,
        $" | redis {r.CommandsPerToken:0.###} cmds/tok ({string.Join(", ", r.PerTokenByCommand.Select(c => string.Create(CultureInfo.InvariantCulture, $"{c.Key} {c.Value:0.###}")))}), server {r.ServerCpuMicrosPerToken:0.0} us/tok");

    private static string Codes(PhaseResult p) => p.FailuresByCode.Count == 0 ? "" : " (" + string.Join(", ", p.FailuresByCode.Select(kv => $"{kv.Key} {kv.Value}")) + ")";

    /// <summary>The median of each figure over a step's runs, per peer, then the ratios to nginx and YARP.</summary>
    public static StepMedians Median(List<RunResult> runs)
    {
        var names = runs.SelectMany(r => r.Peers).Select(p => p.Phase).Distinct().ToList();
        var peers = names.ConvertAll(name => Median(name, runs.SelectMany(r => r.Peers).Where(p => p.Phase == name).ToList()));
        var nginx = peers.Find(p => p.Peer == "nginx");
        var yarp = peers.Find(p => p.Peer == "yarp");
        foreach (var p in peers)
        {
            Ratios(p, nginx, p.VsNginx);
            Ratios(p, yarp, p.VsYarp);
            p.AddedTokenP50MinusNginxMs = p.AddedTokenP50Ms - nginx?.AddedTokenP50Ms is { } d ? Math.Round(d, 3) : null;
        }

        return new StepMedians { Streams = runs[0].Streams, Runs = runs.Count, Peers = peers };
    }

    private static PeerMedian Median(string name, List<PhaseResult> phases)
    {
        double? M(Func<PhaseResult, double?> f)
        {
            var values = phases.Select(f).Where(v => v is { } d && !double.IsNaN(d)).Select(v => v!.Value).Order().ToArray();
            return values.Length == 0 ? null
                : values.Length % 2 == 1 ? values[values.Length / 2]
                : Math.Round((values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2, 3);
        }

        return new PeerMedian
        {
            Peer = name,
            Runs = phases.Count,
            FailedPercent = M(p => 100.0 * p.Failed / p.Streams),
            FailuresByCode = string.Join("; ", phases.Select(p => string.Join(",", p.FailuresByCode.Select(kv => $"{kv.Key}={kv.Value}"))).Where(s => s.Length > 0)),
            AddedTokenP50Ms = M(p => p.AddedTokenMs?.P50),
            AddedTokenP99Ms = M(p => p.AddedTokenMs?.P99),
            AddedFirstTokenP50Ms = M(p => p.AddedFirstTokenMs?.P50),
            AddedFirstTokenP99Ms = M(p => p.AddedFirstTokenMs?.P99),
            TransportP50Ms = M(p => p.TransportMs.P50),
            TransportP99Ms = M(p => p.TransportMs.P99),
            FirstTokenTransportP50Ms = M(p => p.FirstTokenTransportMs.P50),
            TtftAddedP50Ms = M(p => p.TtftAddedMs.P50),
            TtftAddedP99Ms = M(p => p.TtftAddedMs.P99),
            TokenLatenessP50Ms = M(p => p.TokenLatenessMs.P50),
            TokenLatenessP99Ms = M(p => p.TokenLatenessMs.P99),
            InterTokenP99Ms = M(p => p.InterTokenLatenessMs.P99),
            TokensPerSecond = M(p => p.TokensPerSecond),
            PeakActive = M(p => p.PeakActive),
            ListenOverflows = M(p => p.ListenOverflows),
            PeerCpuMicrosPerToken = M(p => p.PeerCpuMicrosPerToken),
            EmulatorCpuMicrosPerToken = M(p => p.EmulatorCpuMicrosPerToken),
            ClientCpuSeconds = M(p => p.ClientCpuSeconds),
            KbPerStream = M(p => p.KbPerStream),
            RssIdleMb = M(p => p.RssIdleKb / 1024.0),
            RssPeakMb = M(p => p.RssPeakKb / 1024.0),
            RssAfterMb = M(p => p.RssAfterKb / 1024.0),
            PeakThreads = M(p => p.PeakThreads),
            RedisCommandsPerToken = M(p => p.Redis?.CommandsPerToken),
            RedisServerCpuMicrosPerToken = M(p => p.Redis?.ServerCpuMicrosPerToken),
        };
    }

    private static void Ratios(PeerMedian p, PeerMedian? reference, Dictionary<string, double?> into)
    {
        if (reference is null)
        {
            return;
        }

        into["cpu"] = Ratio(p.PeerCpuMicrosPerToken, reference.PeerCpuMicrosPerToken);
        into["kbPerStream"] = Ratio(p.KbPerStream, reference.KbPerStream);
        into["addedTokenP50"] = Ratio(p.AddedTokenP50Ms, reference.AddedTokenP50Ms);
        into["addedTokenP99"] = Ratio(p.AddedTokenP99Ms, reference.AddedTokenP99Ms);
        into["addedFirstTokenP50"] = Ratio(p.AddedFirstTokenP50Ms, reference.AddedFirstTokenP50Ms);
    }

    /// <summary>Null when either side is missing or the reference is not positive (a ratio to ~0 says nothing).</summary>
    private static double? Ratio(double? a, double? b) => a is { } x && b is { } y && y > 0 ? Math.Round(x / y, 2) : null;

    private static Percentiles Minus(Percentiles a, Percentiles b)
        => new(Math.Round(a.P50 - b.P50, 3), Math.Round(a.P95 - b.P95, 3), Math.Round(a.P99 - b.P99, 3), Math.Round(a.Max - b.Max, 3), a.Count);
}
