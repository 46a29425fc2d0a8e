using System.Diagnostics;
using System.Reflection;

namespace StreamHub.Tests.Cli;

/// <summary>The <c>streamhub</c> tool as a script meets it: a process, its stdout, its stderr and its exit code.</summary>
internal static class CliProcess
{
    /// <summary>The CLI in its own build output (the test project builds it first and records the path).</summary>
    public static string Dll { get; } = typeof(CliProcess).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "StreamHubCliDll").Value!;

    /// <summary>Runs <c>dotnet StreamHub.Cli.dll args</c> with <paramref name="environment"/> (STREAMHUB_* cleared unless given).</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("STREAMHUB_URL");
        start.Environment.Remove("STREAMHUB_API_KEY");
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
