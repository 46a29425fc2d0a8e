using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>The emulator every peer of a run streams from: started by the runner, or one given with <c>--emulator</c>.</summary>
internal static class EmulatorHost
{
    /// <returns>The emulator's root, its pid (null when external and not given), and its process (null when external).</returns>
    public static async Task<(Uri Root, int? Pid, ChildProcess? Process)> StartAsync(LoadOptions o, string repo, int tokens, string logPath)
    {
        if (o.EmulatorTarget is { } external)
        {
            return (external, o.EmulatorPid, null);
        }

        var root = new Uri($"http://127.0.0.1:{(o.EmulatorPort ?? FreePort.Next()).ToString(CultureInfo.InvariantCulture)}/");
        var emulator = ChildProcess.Start(
            o.EmulatorDll ?? Path.Combine(repo, "src", "StreamHub.Emulator", "bin", "Release", "net10.0", "StreamHub.Emulator.dll"),
            [
                "--urls", root.ToString().TrimEnd('/'),
                "--Emulator:FirstTokenDelay=" + o.FirstTokenDelay.ToString("c", CultureInfo.InvariantCulture),
                "--Emulator:TokensPerSecond=" + o.TokensPerSecond.ToString(CultureInfo.InvariantCulture),
                "--Emulator:DefaultMaxTokens=" + tokens.ToString(CultureInfo.InvariantCulture),
            ],
            logPath);
        try
        {
            await emulator.WaitReadyAsync(new Uri(root, "/v1/models"), TimeSpan.FromSeconds(30));
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }

        return (root, emulator.Pid, emulator);
    }
}
