using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>One reading of a process's CPU time and memory from <c>/proc/&lt;pid&gt;/stat</c> and <c>/status</c>.</summary>
internal readonly record struct ProcSample(double CpuSeconds, long RssKb, long PeakRssKb)
{
    // USER_HZ: 100 on every Linux the .NET runtime supports.
    private const double TicksPerSecond = 100.0;

    public static ProcSample? Read(int? pid)
    {
        if (pid is not { } id)
        {
            return null;
        }

        try
        {
            // Fields after the ")" that ends the command name: state is field 3, utime 14, stime 15.
            var stat = File.ReadAllText($"/proc/{id}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            long rss = 0, hwm = 0;
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
            }

            return new ProcSample(ticks / TicksPerSecond, rss, hwm);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long Kb(string line)
        => long.Parse(line.AsSpan(line.IndexOf(':') + 1).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
}

/// <summary>Kernel TCP counters (this network namespace): a full accept queue drops SYNs, and the client retries after 1 s, then 3 s.</summary>
internal static class TcpCounters
{
    public static long ListenOverflows()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/netstat");
            for (var i = 0; i + 1 < lines.Length; i += 2)
            {
                if (!lines[i].StartsWith("TcpExt:", StringComparison.Ordinal))
                {
                    continue;
                }

                var names = lines[i].Split(' ');
                var values = lines[i + 1].Split(' ');
                var at = Array.IndexOf(names, "ListenOverflows");
                return at > 0 ? long.Parse(values[at], CultureInfo.InvariantCulture) : 0;
            }
        }
        catch (IOException)
        {
        }

        return 0;
    }
}
