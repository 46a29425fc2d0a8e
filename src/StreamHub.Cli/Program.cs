using System.CommandLine;

namespace StreamHub.Cli;

/// <summary>The entry point.</summary>
internal static class Program
{
    // Ctrl+C is the commands' own (chat cancels the answer, not the session), so System.CommandLine's handler is off.
    public static Task<int> Main(string[] args)
        => StreamHubCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
}
