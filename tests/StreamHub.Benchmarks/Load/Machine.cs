using System.Runtime.InteropServices;

namespace StreamHub.Benchmarks.Load;

/// <summary>What the numbers were measured on.</summary>
internal static class Machine
{
    public static Dictionary<string, string> Describe()
    {
        var info = new Dictionary<string, string>
        {
            ["nproc"] = Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["cpu"] = FirstValue("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            ["memory"] = FirstValue("/proc/meminfo", "MemTotal") ?? "?",
            ["os"] = OsName(),
            ["dotnet"] = RuntimeInformation.FrameworkDescription,
            ["loadavg"] = Read("/proc/loadavg")?.Trim() ?? "?",
            ["fdLimit"] = FdLimit(),
            ["cpuPressure"] = CpuPressure(),
        };
        return info;
    }

    private static string OsName()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(l => l.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?[12..].Trim('"')
            : null;
        return $"{pretty ?? RuntimeInformation.OSDescription} ({RuntimeInformation.OSDescription})";
    }

    /// <summary>PSI "some avg10": the share of the last 10 s in which a runnable task waited for a CPU (other tenants included).</summary>
    public static string CpuPressure()
        => Read("/proc/pressure/cpu")?.Split('\n')[0].Split(' ').FirstOrDefault(f => f.StartsWith("avg10=", StringComparison.Ordinal))?[6..] ?? "?";

    /// <summary>The hard limit on open files: what the .NET children raise their own limit to, and nginx's ceiling.</summary>
    public static int OpenFilesHardLimit()
    {
        var line = File.Exists("/proc/self/limits")
            ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            : null;
        var fields = line?[14..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields is { Length: >= 2 } && int.TryParse(fields[1], System.Globalization.CultureInfo.InvariantCulture, out var hard) ? hard : 1024;
    }

    private static string FdLimit()
    {
        var line = File.Exists("/proc/self/limits")
            ? File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal))
            : null;
        return line is null ? "?" : string.Join(' ', line[14..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..2]);
    }

    private static string? FirstValue(string path, string key)
        => File.Exists(path)
            ? File.ReadLines(path).FirstOrDefault(l => l.StartsWith(key, StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;

    private static string? Read(string path) => File.Exists(path) ? File.ReadAllText(path) : null;
}
