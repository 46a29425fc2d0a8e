using System.CommandLine;
using Microsoft.Extensions.AI;
using StreamHub.Client;

namespace StreamHub.Cli;

/// <summary>
/// <c>streamhub ask PROMPT</c>: one prompt, the answer's text to stdout and nothing else (for scripts). Without a
/// prompt argument the prompt is read from stdin. Errors go to stderr as "code: sentence", exit code 1.
/// </summary>
internal static class AskCommand
{
    public static Command Create(CommonOptions common)
    {
        var prompt = new Argument<string[]>("prompt")
        {
            Description = "The prompt (several words are joined with spaces); read from stdin when absent",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var command = new Command("ask", "Send one prompt and print the answer's text to stdout") { prompt };
        command.SetAction((result, _) => ExitCodes.GuardAsync(async () =>
        {
            var settings = common.Read(result);
            var text = string.Join(' ', result.GetValue(prompt) ?? []);
            if (text.Length == 0 && Console.IsInputRedirected)
            {
                text = (await Console.In.ReadToEndAsync()).Trim();
            }

            if (text.Length == 0)
            {
                throw new StreamHubException(StreamHubErrorCodes.InvalidRequest, "give a prompt: streamhub ask \"What is a river?\" (or pipe it to stdin)");
            }

            return await RunAsync(settings, text);
        }));
        return command;
    }

    private static async Task<int> RunAsync(CliSettings settings, string prompt)
    {
        using var ctrlC = CtrlC.EndsCommand();
        await using var client = settings.CreateClient();
        var stdout = Console.Out;
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync([new ChatMessage(ChatRole.User, prompt)], null, ctrlC.Token))
            {
                foreach (var content in update.Contents)
                {
                    if (content is TextContent text)
                    {
                        await stdout.WriteAsync(text.Text);
                    }
                }

                await stdout.FlushAsync();
            }
        }
        catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
        {
            await stdout.WriteLineAsync();
            return ExitCodes.Interrupted;
        }

        await stdout.WriteLineAsync();
        return ExitCodes.Success;
    }
}
