using System.CommandLine;
using Microsoft.Extensions.AI;
using StreamHub.Client;

namespace StreamHub.Cli;

/// <summary>
/// <c>streamhub chat</c>: an interactive conversation. Answers stream (reasoning dimmed, tool calls shown); Ctrl+C
/// cancels the running answer and the session goes on; Ctrl+D or <c>/exit</c> ends it, <c>/reset</c> forgets the
/// conversation so far.
/// </summary>
internal static class ChatCommand
{
    public static Command Create(CommonOptions common)
    {
        var system = new Option<string?>("--system") { Description = "A system prompt for the conversation", HelpName = "TEXT" };
        var command = new Command("chat", "Chat interactively; Ctrl+C cancels an answer, Ctrl+D or /exit quits") { system };
        command.SetAction((result, _) => ExitCodes.GuardAsync(() => RunAsync(common.Read(result), result.GetValue(system))));
        return command;
    }

    private static async Task<int> RunAsync(CliSettings settings, string? system)
    {
        var ansi = Ansi.ForStdout();
        var writer = new AnswerWriter(Console.Out, ansi);
        using var ctrlC = CtrlC.EndsAnswer(() => Console.Out.Write($"{Environment.NewLine}{ansi.Dim}(Ctrl+D or /exit quits){ansi.Reset}{Environment.NewLine}{Prompt(ansi)}"));
        await using var client = settings.CreateClient(new Progress(writer));
        var options = new ChatOptions { Instructions = system };
        var history = new List<ChatMessage>();
        Console.Out.WriteLine($"{ansi.Dim}StreamHub chat at {settings.BaseUrl} · Ctrl+C cancels an answer · /reset forgets · Ctrl+D or /exit quits{ansi.Reset}");
        while (true)
        {
            Console.Out.Write(Prompt(ansi));
            var line = await Console.In.ReadLineAsync();
            if (line is null || line.Trim() is "/exit" or "/quit")
            {
                Console.Out.WriteLine();
                return ExitCodes.Success;
            }

            if (line.Trim() == "/reset")
            {
                history.Clear();
                Console.Out.WriteLine($"{ansi.Dim}(conversation cleared){ansi.Reset}");
                continue;
            }

            if (line.Trim().Length == 0)
            {
                continue;
            }

            history.Add(new ChatMessage(ChatRole.User, line));
            await AnswerAsync(client, history, options, writer, ctrlC);
        }
    }

    private static async Task AnswerAsync(
        StreamHubChatClient client, List<ChatMessage> history, ChatOptions options, AnswerWriter writer, CtrlC ctrlC)
    {
        var token = ctrlC.BeginAnswer();
        var updates = new List<ChatResponseUpdate>();
        try
        {
            await foreach (var update in client.GetStreamingResponseAsync(history, options, token))
            {
                updates.Add(update);
                writer.Write(update);
            }

            writer.Finish();
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            writer.Finish("cancelled");
        }
        catch (StreamHubException ex)
        {
            writer.Finish("failed");
            var stderr = Ansi.ForStderr();
            await Console.Error.WriteLineAsync($"{stderr.Red}{ex.Code}: {ex.Message}{stderr.Reset}");
        }
        finally
        {
            ctrlC.EndAnswer();
        }

        // What was said stays in the conversation, a cancelled answer's beginning too.
        history.AddMessages(updates);
    }

    private static string Prompt(Ansi ansi) => $"{ansi.Green}{ansi.Bold}>{ansi.Reset} ";

    /// <summary>Queue position and region go to the writer.</summary>
    private sealed class Progress(AnswerWriter writer) : IProgress<StreamHubProgress>
    {
        public void Report(StreamHubProgress value) => writer.Progress(value.QueuePosition, value.Region);
    }
}
