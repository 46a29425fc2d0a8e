using System.CommandLine;

namespace StreamHub.Cli;

/// <summary>The entry point.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        var root = StreamHubCommand.Create();
        if (args.Length == 0)
        {
            await root.Parse(["--help"]).InvokeAsync();
            return ExitCodes.Failed;
        }

        // A command line that does not parse is an error like any other: "code: sentence" on stderr, exit 1.
        var result = root.Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var error in result.Errors)
            {
                var sentence = string.Join(' ', error.Message.Split(['\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                await Console.Error.WriteLineAsync($"invalid_request: {sentence} (streamhub --help lists the commands and options)");
            }

            return ExitCodes.Failed;
        }

        // Ctrl+C is the commands' own (chat cancels the answer, not the session), so System.CommandLine's handler is off.
        return await result.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
