using System.Diagnostics;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>One run of a Node script from <c>tests/js</c> (the <c>openai</c> npm package), killed on dispose; every wait is bounded.</summary>
internal sealed class NodeScript : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private NodeScript(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => _process.HasExited;

    public static NodeScript Start(Uri baseAddress, params string[] args) => Run("openai-stream.mjs", baseAddress, args);

    /// <summary>Runs <c>tests/js/<paramref name="script"/></c> with the base address and <paramref name="args"/>.</summary>
    public static NodeScript Run(string script, Uri baseAddress, params string[] args)
    {
        var root = RepositoryRoot();
        Assert.True(
            File.Exists(Path.Combine(root, "node_modules", "openai", "package.json")),
            $"node_modules/openai is missing under {root}: run `npm ci` at the repository root before `dotnet test` (CI does).");
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
        var line = await _process.StandardOutput.ReadLineAsync().WaitAsync(StreamHubServer.Timeout);
        return line ?? throw new Xunit.Sdk.XunitException($"the script printed nothing; stderr: {await _stderr.WaitAsync(StreamHubServer.Timeout)}");
    }

    public async Task<int> ExitAsync()
    {
        await _process.WaitForExitAsync().WaitAsync(StreamHubServer.Timeout);
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
