using System.Diagnostics;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// One run of a script in <c>tests/js</c> by Node (the official npm SDKs: <c>openai</c>, <c>@anthropic-ai/sdk</c>),
/// killed on dispose; every wait is bounded. Needs <c>npm ci</c> at the repository root (the test build runs it
/// when a package is missing); without it the script's test fails and says so.
/// </summary>
public sealed class NodeScript : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private NodeScript(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => _process.HasExited;

    /// <summary><c>openai-stream.mjs</c> with the base address and <paramref name="args"/>.</summary>
    public static NodeScript Start(Uri baseAddress, params string[] args) => Run("openai-stream.mjs", baseAddress, args);

    /// <summary>Runs <c>tests/js/<paramref name="script"/></c> with the base address and <paramref name="args"/>.</summary>
    public static NodeScript Run(string script, Uri baseAddress, params string[] args)
    {
        var root = OpenAi.OpenAiTestKit.RepositoryRoot();
        foreach (var package in new[] { "openai", "@anthropic-ai/sdk" })
        {
            Assert.True(
                File.Exists(Path.Combine(root, "node_modules", package, "package.json")),
                $"node_modules/{package} is missing under {root}: run `npm ci` at the repository root before `dotnet test` (CI does).");
        }

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(root, "tests", "js", script));
        start.ArgumentList.Add(baseAddress.ToString());
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return new NodeScript(Process.Start(start) ?? throw new InvalidOperationException("node did not start"));
    }

    public async Task<string> ReadLineAsync()
    {
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(Waits.Timeout);
        return line ?? throw new Xunit.Sdk.XunitException($"the script printed nothing; stderr: {await _stderr.WaitAsync(Waits.Timeout)}");
    }

    public async Task<int> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(Waits.Timeout);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
