using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// One reading of a process's CPU time, memory and threads from <c>/proc/&lt;pid&gt;/stat</c> and <c>/status</c>;
/// for a peer of several processes (nginx's master and workers) the sum over them.
/// </summary>
internal readonly record struct ProcSample(double CpuSeconds, long RssKb, long PeakRssKb, int Threads)
{
    // USER_HZ: 100 on every Linux the .NET runtime supports.
    private const double TicksPerSecond = 100.0;

    public static ProcSample? Read(int? pid) => pid is { } id ? Read([id]) : null;

    /// <summary>The sum over <paramref name="pids"/>; null when there are none or none could be read.</summary>
    public static ProcSample? Read(IReadOnlyList<int> pids)
    {
        ProcSample? sum = null;
        foreach (var pid in pids)
        {
            if (ReadOne(pid) is { } s)
            {
                sum = sum is { } t ? new ProcSample(t.CpuSeconds + s.CpuSeconds, t.RssKb + s.RssKb, t.PeakRssKb + s.PeakRssKb, t.Threads + s.Threads) : s;
            }
        }

        return sum;
    }

    /// <summary>The parent process id (field 4 of <c>stat</c>), or -1.</summary>
    public static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return -1;
        }
    }

    private static ProcSample? ReadOne(int id)
    {
        try
        {
            // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0, hwm = 0;
            var threads = 0;
            foreach (var line in File.ReadLines($"/proc/{id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kb(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    hwm = Kb(line);
                }
                else if (line.StartsWith("Threads:", StringComparison.Ordinal))
                {
                    threads = int.Parse(line.AsSpan(8).Trim(), CultureInfo.InvariantCulture);
                }
            }

            return new ProcSample(ticks / TicksPerSecond, rss, hwm, threads);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long Kb(string line)
        => long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}
