using System.Diagnostics;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// <c>dotnet &lt;dll&gt;</c> of a Release build (or nginx), started by the runner and killed by its own id when the step ends.
/// Its output goes to a log file beside the results so a failed start can be read afterwards.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly string _logPath;
    private bool _closed;

    private ChildProcess(Process process, StreamWriter log, string logPath)
    {
        _process = process;
        _log = log;
        _logPath = logPath;
    }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string dll, IEnumerable<string> args, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(dll))
        {
            throw new FileNotFoundException($"{dll} is missing: run `dotnet build Hub.sln -c Release` first.", dll);
        }

        // Quiet, production-like children: no per-request logs, no hot reload, no dev exception page.
        var env = new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["DOTNET_ENVIRONMENT"] = "Production",
            ["Logging__LogLevel__Default"] = "Warning",
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            env[key] = value;
        }

        return StartExecutable("dotnet", [dll, .. args], Path.GetDirectoryName(dll)!, logPath, env);
    }

    /// <summary>Any program (nginx), its output to <paramref name="logPath"/>.</summary>
    public static ChildProcess StartExecutable(string file, IEnumerable<string> args, string workingDirectory, string logPath, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {file}");
        var child = new ChildProcess(process, log, logPath);
        process.OutputDataReceived += (_, e) => child.Write(e.Data);
        process.ErrorDataReceived += (_, e) => child.Write(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Waits for the process to end by itself (after a stop signal someone else sent); false on timeout.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it answers (any HTTP status), the process dies or the time is up.</summary>
    public async Task WaitReadyAsync(Uri probe, TimeSpan timeout)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{_process.StartInfo.FileName} {_process.StartInfo.ArgumentList[0]} exited with {_process.ExitCode} before it was ready (its log: {_logPath})");
            }

            try
            {
                using var response = await http.GetAsync(probe);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{probe} did not answer within {timeout}");
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // Our own child, by its id: SIGKILL is fine, there is nothing to flush.
                _process.Kill(entireProcessTree: false);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
        }
        finally
        {
            _process.Dispose();
            lock (_log)
            {
                _closed = true;
                _log.Dispose();
            }
        }
    }

    private void Write(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            if (!_closed)
            {
                _log.WriteLine(line);
            }
        }
    }
}
