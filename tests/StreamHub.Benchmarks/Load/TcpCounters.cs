using System.Globalization;

namespace StreamHub.Benchmarks.Load;

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
