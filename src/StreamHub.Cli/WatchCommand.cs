using System.CommandLine;
using StreamHub.Client;

namespace StreamHub.Cli;

/// <summary>
/// <c>streamhub watch REQUESTID</c> follows one request of the key's tenant, from any instance, to its end (exit 0,
/// or 1 with its error code); <c>streamhub watch --group NAME</c> joins the group and shows what its requests fan
/// out until Ctrl+C.
/// </summary>
internal static class WatchCommand
{
    public static Command Create(CommonOptions common)
    {
        var requestId = new Argument<string?>("requestId") { Description = "The request to follow", Arity = ArgumentArity.ZeroOrOne };
        var group = new Option<string?>("--group") { Description = "Follow a group instead: every request that fans out to it", HelpName = "NAME" };
        var after = new Option<long>("--after") { Description = "Skip the request's events up to this seq (default 0: from the start)", HelpName = "SEQ" };
        var command = new Command("watch", "Follow a request (by id) or a group (--group) from any instance") { requestId, group, after };
        command.Validators.Add(result =>
        {
            if ((result.GetValue(requestId) is null) == (result.GetValue(group) is null))
            {
                result.AddError("give either a request id or --group NAME");
            }
        });
        command.SetAction((result, _) => ExitCodes.GuardAsync(() =>
        {
            var settings = common.Read(result);
            return result.GetValue(group) is { } name
                ? FollowGroupAsync(settings, name)
                : WatchRequestAsync(settings, result.GetValue(requestId)!, result.GetValue(after));
        }));
        return command;
    }

    private static async Task<int> WatchRequestAsync(CliSettings settings, string requestId, long afterSeq)
    {
        using var ctrlC = CtrlC.EndsCommand();
        var writer = new AnswerWriter(Console.Out, Ansi.ForStdout());
        await using var client = settings.CreateClient();
        try
        {
            await foreach (var update in client.WatchAsync(requestId, afterSeq, ctrlC.Token))
            {
                writer.Write(update);
            }

            writer.Finish();
            return ExitCodes.Success;
        }
        catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
        {
            writer.Finish("stopped watching");
            return ExitCodes.Interrupted;
        }
        catch (StreamHubException)
        {
            writer.Finish("failed");
            throw;
        }
    }

    private static async Task<int> FollowGroupAsync(CliSettings settings, string group)
    {
        using var ctrlC = CtrlC.EndsCommand();
        var ansi = Ansi.ForStdout();
        var writer = new GroupWriter(Console.Out, ansi);
        await using var client = settings.CreateClient();
        try
        {
            await using var subscription = await client.JoinGroupAsync(group, ctrlC.Token);
            Console.Out.WriteLine($"{ansi.Dim}following group {group} at {settings.BaseUrl} · Ctrl+C stops{ansi.Reset}");
            await foreach (var message in subscription.WithCancellation(ctrlC.Token))
            {
                writer.Write(message);
            }
        }
        catch (OperationCanceledException) when (ctrlC.Token.IsCancellationRequested)
        {
            writer.Stop();
        }

        return ExitCodes.Success;
    }
}
