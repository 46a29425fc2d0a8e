using System.Diagnostics;
using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// Runs one phase (N streams through one peer on the ramp, bounded by a deadline) and reads what it cost:
/// the peer's and the emulator's CPU and memory from /proc before, during and after, and the client's own CPU.
/// </summary>
internal static class PhaseMeter
{
    public static async Task<PhaseResult> MeasureAsync(PeerHost peer, IStreamConsumer consumer, int streams, StreamShape shape, TimeSpan ramp, int? emulatorPid, TimeSpan deadline)
    {
        var name = peer.Peer.Name();
        var recorder = new PhaseRecorder(streams, shape.Tokens, shape.TokensPerSecond, shape.FirstTokenDelay);
        var contention = Contention();
        var peerBefore = ProcSample.Read(peer.Pids);
        var emulatorBefore = ProcSample.Read(emulatorPid);
        var clientBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var overflowsBefore = TcpCounters.ListenOverflows();
        using var cts = new CancellationTokenSource(deadline);
        using var progress = new Progress(name, recorder, () => ProcSample.Read(peer.Pids));
        var driving = DriveAsync(consumer, streams, shape, ramp, recorder, cts.Token);
        await progress.RunUntilAsync(driving);
        try
        {
            await driving;
        }
        catch (OperationCanceledException)
        {
            // Deadline: the streams still open were counted as failed by their probes.
        }

        var peerAfter = ProcSample.Read(peer.Pids);
        var emulatorAfter = ProcSample.Read(emulatorPid);
        var summary = recorder.Summarize(name);
        summary.Contention = contention;
        summary.PeakTokensPerSecond = progress.PeakRate;
        summary.ListenOverflows = TcpCounters.ListenOverflows() - overflowsBefore;
        summary.ClientCpuSeconds = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - clientBefore).TotalSeconds, 2);
        if (peerBefore is { } pb && peerAfter is { } pa)
        {
            summary.PeerCpuSeconds = Math.Round(pa.CpuSeconds - pb.CpuSeconds, 2);
            summary.PeerCpuMicrosPerToken = PerToken(summary.PeerCpuSeconds.Value, summary.TokensDelivered);
            summary.RssIdleKb = pb.RssKb;
            summary.RssPeakKb = Math.Max(progress.PeakRssKb, pa.RssKb);
            summary.KbPerStream = Math.Round((summary.RssPeakKb.Value - pb.RssKb) / (double)streams, 1);
            summary.PeakThreads = Math.Max(progress.PeakThreads, pa.Threads);
        }

        if (emulatorBefore is { } eb && emulatorAfter is { } ea)
        {
            summary.EmulatorCpuSeconds = Math.Round(ea.CpuSeconds - eb.CpuSeconds, 2);
            summary.EmulatorCpuMicrosPerToken = PerToken(summary.EmulatorCpuSeconds.Value, summary.TokensDelivered);
        }

        return summary;
    }

    /// <summary>Starts the streams on the ramp and waits for all of them.</summary>
    public static async Task DriveAsync(IStreamConsumer consumer, int streams, StreamShape shape, TimeSpan ramp, PhaseRecorder recorder, CancellationToken ct)
    {
        recorder.MarkStart();
        var tasks = await Starter.StartAllAsync(streams, ramp, i => consumer.RunStreamAsync(i, shape, () => recorder.Begin(i), ct), ct);
        await Task.WhenAll(tasks);
        recorder.MarkEnd();
    }

    public static string Contention()
        => string.Create(CultureInfo.InvariantCulture, $"psi-some-avg10={Machine.CpuPressure()} loadavg={File.ReadAllText("/proc/loadavg").Split(' ')[0]}");

    private static double? PerToken(double cpuSeconds, long tokens) => tokens == 0 ? null : Math.Round(cpuSeconds * 1e6 / tokens, 2);
}
