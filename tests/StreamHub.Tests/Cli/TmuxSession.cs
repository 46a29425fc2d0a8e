using System.Diagnostics;

namespace StreamHub.Tests.Cli;

/// <summary>
/// A program in a real terminal: a detached tmux session on a private tmux server, typed into with
/// <c>send-keys</c> and read with <c>capture-pane</c>. The command runs under <c>sh</c>, which prints
/// <c>[exit N]</c> when it ends and keeps the pane, so a test can read the last screen and the exit code.
/// Missing tmux: the test fails and says what to install; it never skips.
/// </summary>
internal sealed class TmuxSession : IAsyncDisposable
{
    private static readonly string Binary = File.Exists("/usr/bin/tmux") ? "/usr/bin/tmux" : "tmux";
    private readonly string _socket;
    private readonly string _name;

    private TmuxSession(string socket, string name)
    {
        _socket = socket;
        _name = name;
    }

    /// <summary>Starts <c>dotnet StreamHub.Cli.dll</c> with <paramref name="args"/> in a 160x40 terminal.</summary>
    public static async Task<TmuxSession> StartCliAsync(IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var session = new TmuxSession("streamhub-tests-" + Guid.NewGuid().ToString("N")[..8], "cli");
        var command = string.Join(' ', new[] { "dotnet", CliProcess.Dll }.Concat(args).Select(Quote));
        var tmuxArgs = new List<string> { "new-session", "-d", "-s", session._name, "-x", "160", "-y", "40" };
        tmuxArgs.AddRange(["-e", "TERM=xterm-256color", "-e", "STREAMHUB_URL=", "-e", "STREAMHUB_API_KEY=", "-e", "NO_COLOR="]);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            tmuxArgs.AddRange(["-e", $"{key}={value}"]);
        }

        tmuxArgs.Add($"{command}; echo \"[exit $?]\"; sleep 600");
        await session.TmuxAsync([.. tmuxArgs]);
        return session;
    }

    /// <summary>Types <paramref name="text"/> literally, then Enter.</summary>
    public async Task TypeLineAsync(string text)
    {
        await TmuxAsync("send-keys", "-t", _name, "-l", text);
        await TmuxAsync("send-keys", "-t", _name, "Enter");
    }

    /// <summary>Presses keys by tmux name (<c>C-c</c>, <c>C-d</c>, <c>Enter</c>).</summary>
    public Task PressAsync(string key) => TmuxAsync("send-keys", "-t", _name, key);

    /// <summary>The screen as text; with <paramref name="escapes"/>, with its colours and styles as escape sequences.</summary>
    public Task<string> ScreenAsync(bool escapes = false)
        => escapes ? TmuxAsync("capture-pane", "-p", "-e", "-J", "-t", _name) : TmuxAsync("capture-pane", "-p", "-J", "-t", _name);

    /// <summary>Polls the screen until <paramref name="condition"/> holds; fails showing the screen after the timeout.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, string what, bool escapes = false)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var screen = await ScreenAsync(escapes);
            if (condition(screen))
            {
                return screen;
            }

            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(30), $"the terminal never showed {what}; it shows:\n{screen}");
            await Task.Delay(50);
        }
    }

    public Task<string> WaitForAsync(string text, bool escapes = false)
        => WaitForAsync(screen => screen.Contains(text, StringComparison.Ordinal), $"'{text}'", escapes);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private async Task<string> TmuxAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("tmux is not installed: apt-get install tmux (.ci/run does)", ex);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed: {await error}");
            }

            return await output;
        }
    }

    private static string Quote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
