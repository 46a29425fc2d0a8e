using System.CommandLine;

namespace StreamHub.Cli;

/// <summary>The <c>streamhub</c> command: its shared options and the four subcommands.</summary>
internal static class StreamHubCommand
{
    public static RootCommand Create()
    {
        var common = new CommonOptions();
        var root = new RootCommand("Talk to a StreamHub gateway: chat, ask, watch requests and groups, show its live figures.")
        {
            common.Url, common.Key, common.Model, common.Priority,
        };
        root.Add(ChatCommand.Create(common));
        root.Add(AskCommand.Create(common));
        root.Add(WatchCommand.Create(common));
        root.Add(StatsCommand.Create(common));
        return root;
    }
}
