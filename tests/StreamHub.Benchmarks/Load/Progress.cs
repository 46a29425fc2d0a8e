using System.Diagnostics;

namespace StreamHub.Benchmarks.Load;

/// <summary>The live progress line (rewritten in place on a terminal, one line every 5 s otherwise), and peak sampling.</summary>
internal sealed class Progress(string phase, PhaseRecorder recorder, Func<ProcSample?> sample) : IDisposable
{
    private readonly PeriodicTimer _timer = new(TimeSpan.FromMilliseconds(250));

    public double PeakRate { get; private set; }

    public long PeakRssKb { get; private set; }

    public int PeakThreads { get; private set; }

    public async Task RunUntilAsync(Task driving)
    {
        var interactive = !Console.IsOutputRedirected;
        var started = Stopwatch.GetTimestamp();
        var window = new Queue<(long Ts, long Tokens)>();
        var lastPrint = 0L;
        var lastCpu = sample();
        var lastCpuTs = started;
        var cpuPercent = 0.0;
        while (!driving.IsCompleted && await _timer.WaitForNextTickAsync())
        {
            var now = Stopwatch.GetTimestamp();
            var tokens = recorder.Tokens;
            window.Enqueue((now, tokens));
            while (window.Count > 1 && (now - window.Peek().Ts) > Stopwatch.Frequency)
            {
                window.Dequeue();
            }

            var (ts0, tok0) = window.Peek();
            var span = (now - ts0) / (double)Stopwatch.Frequency;
            var rate = span >= 0.9 ? (tokens - tok0) / span : 0;
            PeakRate = Math.Max(PeakRate, Math.Round(rate, 1));

            var current = sample();
            if (current is { } s)
            {
                PeakRssKb = Math.Max(PeakRssKb, s.RssKb);
                PeakThreads = Math.Max(PeakThreads, s.Threads);
                if (lastCpu is { } c && now - lastCpuTs >= Stopwatch.Frequency)
                {
                    cpuPercent = (s.CpuSeconds - c.CpuSeconds) * 100 / ((now - lastCpuTs) / (double)Stopwatch.Frequency);
                    lastCpu = s;
                    lastCpuTs = now;
                }
            }

            var elapsed = (now - started) / (double)Stopwatch.Frequency;
            var line = $"[{phase} {recorder.Streams}] {elapsed,6:0.0}s active {recorder.Active,6} done {recorder.Completed,6} failed {recorder.Failed,5} tokens {tokens,9} ({rate,8:0}/s)"
                + (current is { } r ? $" peer rss {r.RssKb / 1024,5} MB cpu {cpuPercent,4:0}%" : "");
            if (interactive)
            {
                Console.Write("\r" + line);
            }
            else if (now - lastPrint >= 5 * Stopwatch.Frequency)
            {
                Console.WriteLine(line);
                lastPrint = now;
            }
        }

        if (interactive)
        {
            Console.WriteLine();
        }
    }

    public void Dispose() => _timer.Dispose();
}
