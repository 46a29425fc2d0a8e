using System.Globalization;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// nginx started by the runner in the foreground with <see cref="NginxConfig"/>, measured as its master plus
/// workers, stopped with <c>nginx -s stop</c> (SIGTERM to the master, which ends its workers).
/// </summary>
internal sealed class NginxPeer : IAsyncDisposable
{
    private readonly string _nginx;
    private readonly string _dir;
    private readonly ChildProcess _master;
    private int[] _pids = [];

    private NginxPeer(string nginx, string dir, ChildProcess master, Uri root)
    {
        _nginx = nginx;
        _dir = dir;
        _master = master;
        Root = root;
    }

    public Uri Root { get; }

    /// <summary>The master and its workers.</summary>
    public IReadOnlyList<int> Pids => _pids;

    public static async Task<NginxPeer> StartAsync(string? nginxPath, string workers, Uri upstream, int streams, string logPath)
    {
        var nginx = Find(nginxPath);
        var dir = Directory.CreateTempSubdirectory("streamhub-nginx-").FullName;
        var port = FreePort.Next();
        var config = NginxConfig.Render(dir, port, upstream, streams, workers);
        await File.WriteAllTextAsync(Path.Combine(dir, "nginx.conf"), config);
        await File.WriteAllTextAsync(Path.ChangeExtension(logPath, ".conf"), config);
        var master = ChildProcess.StartExecutable(nginx, ["-p", dir + "/", "-c", Path.Combine(dir, "nginx.conf"), "-e", Path.Combine(dir, "error.log")], dir, logPath);
        var peer = new NginxPeer(nginx, dir, master, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/"));
        try
        {
            await master.WaitReadyAsync(new Uri(peer.Root, "/v1/models"), TimeSpan.FromSeconds(30));
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            var log = File.Exists(Path.Combine(dir, "error.log")) ? await File.ReadAllTextAsync(Path.Combine(dir, "error.log")) : "";
            await peer.DisposeAsync();
            throw new InvalidOperationException($"nginx did not start: {e.Message} {log.Trim()}", e);
        }

        // The master forks its workers right after it binds; give the last one a moment to appear.
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        peer._pids = [master.Pid, .. ChildrenOf(master.Pid)];
        return peer;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_master.HasExited)
        {
            await using var stop = ChildProcess.StartExecutable(_nginx, ["-p", _dir + "/", "-c", Path.Combine(_dir, "nginx.conf"), "-s", "stop"], _dir, Path.Combine(_dir, "stop.log"));
            await stop.WaitForExitAsync(TimeSpan.FromSeconds(10));
            await _master.WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        // Whatever is still running (a master that ignored the signal, orphaned workers) ends by its own id.
        await _master.DisposeAsync();
        foreach (var worker in _pids.Skip(1))
        {
            try
            {
                using var process = System.Diagnostics.Process.GetProcessById(worker);
                process.Kill();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException)
            {
                // Already gone, as it should be.
            }
        }

        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The nginx binary: <c>--nginx PATH</c>, else on PATH or in /usr/sbin (Debian's package).</summary>
    private static string Find(string? explicitPath)
    {
        if (explicitPath is not null)
        {
            return File.Exists(explicitPath) ? explicitPath : throw new FileNotFoundException($"--nginx {explicitPath}: no such file");
        }

        var dirs = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Append("/usr/sbin").Append("/usr/local/sbin");
        return dirs.Select(d => Path.Combine(d, "nginx")).FirstOrDefault(File.Exists)
            ?? throw new FileNotFoundException("nginx is not installed: `apt-get install -y nginx` (Debian), or pass --nginx PATH, or leave it out with --peers");
    }

    private static IEnumerable<int> ChildrenOf(int parent)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(dir), CultureInfo.InvariantCulture, out var pid) && ProcSample.ParentOf(pid) == parent)
            {
                yield return pid;
            }
        }
    }
}
