using System.Diagnostics;
using StreamHub.Benchmarks.Load;

namespace StreamHub.Benchmarks.Soak;

/// <summary>Turns readings of /proc, the runtime counters and the recorder into one <see cref="SoakSample"/> per interval.</summary>
internal sealed class SoakSampler(PeerHost host, RuntimeCounters? counters, int? emulatorPid, SoakRecorder recorder, long startedTs)
{
    private ProcSample? _peer = ProcSample.Read(host.Pids);
    private ProcSample? _emulator = ProcSample.Read(emulatorPid);
    private long _tokens = recorder.Tokens;
    private long _ts = Stopwatch.GetTimestamp();
    private double? _pauseMs = counters?.GcPauseMs;
    private readonly double?[] _gens = [counters?.Sum("gen-0-gc-count"), counters?.Sum("gen-1-gc-count"), counters?.Sum("gen-2-gc-count")];
    private (double Seconds, double Cpu, long Tokens)? _first;
    private (double Seconds, double Cpu, long Tokens)? _last;
    private readonly List<(double Seconds, double Cpu, long Tokens)> _marks = [];

    public SoakSample Take(bool draining)
    {
        var now = Stopwatch.GetTimestamp();
        var seconds = (now - _ts) / (double)Stopwatch.Frequency;
        var peer = ProcSample.Read(host.Pids);
        var emulator = ProcSample.Read(emulatorPid);
        var tokens = recorder.Tokens;
        var delta = tokens - _tokens;
        var transport = recorder.TakeTransport();
        // The counters session starts with the soak, so pauses summed before its first report are zero.
        var pause = counters?.GcPauseMs;
        var elapsed = Math.Round((now - startedTs) / (double)Stopwatch.Frequency, 1);
        var sample = new SoakSample
        {
            ElapsedSeconds = elapsed,
            Draining = draining,
            RssMb = Math.Round((peer?.RssKb ?? 0) / 1024.0, 1),
            Threads = peer?.Threads ?? 0,
            ActiveStreams = recorder.Active,
            Completed = recorder.Completed,
            Failed = recorder.Failed,
            TokensPerSecond = Math.Round(delta / Math.Max(seconds, 1e-9), 1),
            CpuMicrosPerToken = PerToken(peer?.CpuSeconds - _peer?.CpuSeconds, delta),
            CpuPercent = peer is { } p && _peer is { } q ? Math.Round((p.CpuSeconds - q.CpuSeconds) * 100 / seconds, 1) : null,
            EmulatorCpuMicrosPerToken = PerToken(emulator?.CpuSeconds - _emulator?.CpuSeconds, delta),
            TransportP50Ms = transport.Length == 0 ? null : Percentiles.Of(transport).P50,
            TransportP99Ms = transport.Length == 0 ? null : Percentiles.Of(transport).P99,
            GcPauseMs = pause - (_pauseMs ?? (counters is null ? null : 0)) is { } d ? Math.Round(d, 1) : null,
            Gen0Collections = Delta(0, counters?.Sum("gen-0-gc-count")),
            Gen1Collections = Delta(1, counters?.Sum("gen-1-gc-count")),
            Gen2Collections = Delta(2, counters?.Sum("gen-2-gc-count")),
            GcHeapMb = counters?.Latest("gc-heap-size"),
            ThreadPoolThreads = counters?.Latest("threadpool-thread-count"),
        };
        if (peer is { } current)
        {
            _marks.Add((elapsed, current.CpuSeconds, tokens));
        }

        (_peer, _emulator, _tokens, _ts, _pauseMs) = (peer ?? _peer, emulator ?? _emulator, tokens, now, pause ?? _pauseMs);
        return sample;
    }

    /// <summary>Peer CPU over tokens between the first sample at or after <paramref name="warmup"/> and the last one.</summary>
    public double? CpuMicrosPerTokenSince(TimeSpan warmup)
    {
        _first = _marks.Find(m => m.Seconds >= warmup.TotalSeconds);
        _last = _marks.Count > 0 ? _marks[^1] : null;
        return _first is { } a && _last is { } b ? PerToken(b.Cpu - a.Cpu, b.Tokens - a.Tokens) : null;
    }

    private double? Delta(int gen, double? sum)
    {
        var previous = _gens[gen];
        _gens[gen] = sum ?? previous;
        return sum is { } s ? s - (previous ?? 0) : null;
    }

    private static double? PerToken(double? cpuSeconds, long tokens) => cpuSeconds is { } c && tokens > 0 ? Math.Round(c * 1e6 / tokens, 2) : null;
}
