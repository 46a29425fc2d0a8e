using System.Globalization;
using System.Text;

namespace StreamHub.Benchmarks.Load;

/// <summary>The peer tables of a run file as markdown, written beside its JSON (same name, <c>.md</c>).</summary>
internal static class MarkdownReport
{
    public static string Render(RunFile file)
    {
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Peer comparison, {file.StartedUtc}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"`{file.CommandLine}`");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Machine: {string.Join(", ", file.Machine.Select(kv => $"{kv.Key} {kv.Value}"))}.");
        md.AppendLine();
        md.AppendLine("Medians over the runs of each step, figure by figure. *Added* = through the peer minus direct from the");
        md.AppendLine("emulator in the same run: per token from the emulator's emit stamp to arrival, first token from the");
        md.AppendLine("call to its arrival (set-up included). CPU is the peer's processes only, after a warm-up until a .NET");
        md.AppendLine("peer's JIT was quiet (unless --warmup light); KB per stream = (peak RSS − RSS after the light warm-up)");
        md.AppendLine("/ streams. × nginx and × YARP divide this peer's figure by theirs.");
        foreach (var step in file.Medians)
        {
            var run = file.Runs.Find(r => r.Streams == step.Streams);
            md.AppendLine();
            md.AppendLine(CultureInfo.InvariantCulture, $"## {step.Streams:N0} streams × {run?.TokensPerStream} tokens at {run?.TokensPerSecondPerStream} tokens/s ({step.Runs} runs)");
            md.AppendLine();
            md.AppendLine("| peer | failed | transport p50 / p99 (ms) | **added per token p50 / p99 (ms)** | p50 − nginx (ms) | added first token p50 / p99 (ms) | **CPU µs/token** | × nginx | × YARP | **KB/stream** | × nginx | × YARP | peak threads |");
            md.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
            foreach (var p in step.Peers)
            {
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {p.Peer} | {F(p.FailedPercent, "0.##")} % | {F(p.TransportP50Ms)} / {F(p.TransportP99Ms)} | {F(p.AddedTokenP50Ms)} / {F(p.AddedTokenP99Ms)} | {F(p.AddedTokenP50MinusNginxMs)} "
                    + $"| {F(p.AddedFirstTokenP50Ms, "0.0")} / {F(p.AddedFirstTokenP99Ms, "0.0")} | {F(p.PeerCpuMicrosPerToken, "0.0")} | {X(p.VsNginx, "cpu")} | {X(p.VsYarp, "cpu")} "
                    + $"| {F(p.KbPerStream, "0.0")} | {X(p.VsNginx, "kbPerStream")} | {X(p.VsYarp, "kbPerStream")} | {F(p.PeakThreads, "0")} |"));
            }

            var hub = step.Peers.Find(p => p.Peer == Peer.HubJson.Name());
            foreach (var p in step.Peers.Where(p => p.RedisCommandsPerToken is not null))
            {
                md.AppendLine();
                var ratio = hub?.PeerCpuMicrosPerToken is { } without && without > 0
                    ? string.Create(CultureInfo.InvariantCulture, $" = {p.PeerCpuMicrosPerToken / without:0.00}× hub-json's (no Redis) in the same runs.")
                    : ".";
                md.AppendLine(string.Create(CultureInfo.InvariantCulture,
                    $"{p.Peer}: **{F(p.RedisCommandsPerToken, "0.###")} Redis commands per delivered token** (`INFO commandstats`, commands inside scripts and transactions included), redis-server {F(p.RedisServerCpuMicrosPerToken, "0.0")} µs/token; StreamHub CPU per token {F(p.PeerCpuMicrosPerToken, "0.0")} µs") + ratio);
            }

            var failures = step.Peers.Where(p => !string.IsNullOrEmpty(p.FailuresByCode)).Select(p => $"{p.Peer}: {p.FailuresByCode}").ToList();
            if (failures.Count > 0)
            {
                md.AppendLine();
                md.AppendLine("Failures: " + string.Join("; ", failures) + ".");
            }
        }

        var errors = file.Runs.SelectMany(r => r.Errors.Select(e => $"{r.Streams} streams run {r.Run}, {e.Key}: {e.Value}")).ToList();
        if (errors.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Not measured: " + string.Join("; ", errors) + ".");
        }

        if (file.Warnings.Count > 0)
        {
            md.AppendLine();
            md.AppendLine("Warnings: " + string.Join("; ", file.Warnings) + ".");
        }

        if (file.StoppedBecause is { } stop)
        {
            md.AppendLine();
            md.AppendLine("Ladder stopped: " + stop + ".");
        }

        return md.ToString();
    }

    private static string F(double? v, string format = "0.00") => v is { } d ? d.ToString(format, CultureInfo.InvariantCulture) : "–";

    private static string X(Dictionary<string, double?> ratios, string key)
        => ratios.TryGetValue(key, out var v) && v is { } d ? d.ToString("0.00", CultureInfo.InvariantCulture) + "×" : "–";
}
