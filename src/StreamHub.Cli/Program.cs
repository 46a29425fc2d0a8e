using System.CommandLine;
using StreamHub.Cli;

// Ctrl+C is the commands' own (chat cancels the answer, not the session), so System.CommandLine's handler is off.
return await StreamHubCommand.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
