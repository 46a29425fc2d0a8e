using System.CommandLine;
using System.CommandLine.Help;

namespace StreamHub.Cli;

/// <summary>The <c>streamhub</c> command: its shared options and the four subcommands.</summary>
internal static class StreamHubCommand
{
    public const string Name = "streamhub";

    /// <summary>The root is named for the tool's command, whatever the assembly is called.</summary>
    public static Command Create()
    {
        var common = new CommonOptions();
        var root = new Command(Name, "Talk to a StreamHub gateway: chat, ask, watch requests and groups, show its live figures.")
        {
            common.Url, common.Key, common.Model, common.Priority, new HelpOption(), new VersionOption(),
        };
        root.Add(ChatCommand.Create(common));
        root.Add(AskCommand.Create(common));
        root.Add(WatchCommand.Create(common));
        root.Add(StatsCommand.Create(common));
        return root;
    }
}
