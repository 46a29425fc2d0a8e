using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;

namespace StreamHub.Tests.Cli;

/// <summary>
/// <c>dotnet pack</c> of the two shipped packages, and what a consumer finds inside: the library with its XML docs
/// and README, the tool with its <c>DotnetToolSettings.xml</c> naming the <c>streamhub</c> command.
/// </summary>
public sealed class PackTests : IDisposable
{
    private readonly string _output = Directory.CreateTempSubdirectory("streamhub-pack-").FullName;

    public void Dispose() => Directory.Delete(_output, recursive: true);

    [Fact]
    public async Task Pack_ClientAndCli_PackagesCarryReadmeDocsAndToolSettings()
    {
        await PackAsync("src/StreamHub.Client/StreamHub.Client.csproj");
        await PackAsync("src/StreamHub.Cli/StreamHub.Cli.csproj");

        using (var client = ZipFile.OpenRead(Path.Combine(_output, "StreamHub.Client.0.2.0.nupkg")))
        {
            var entries = client.Entries.Select(e => e.FullName).ToList();
            Assert.Contains("README.md", entries);
            Assert.Contains("lib/net10.0/StreamHub.Client.dll", entries);
            Assert.Contains("lib/net10.0/StreamHub.Client.xml", entries);
            var docs = XDocument.Load(client.GetEntry("lib/net10.0/StreamHub.Client.xml")!.Open());
            Assert.Contains(docs.Descendants("member"), m => (string?)m.Attribute("name") == "T:StreamHub.Client.StreamHubChatClient");
            var nuspec = Nuspec(client);
            Assert.Equal("StreamHub.Client", Meta(nuspec, "id"));
            Assert.Equal("README.md", Meta(nuspec, "readme"));
            var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
            Assert.Contains("Microsoft.Extensions.AI", dependencies);
            Assert.Contains("Microsoft.AspNetCore.SignalR.Client", dependencies);
            Assert.DoesNotContain("StreamHub", dependencies); // never the server
        }

        using var tool = ZipFile.OpenRead(Path.Combine(_output, "StreamHub.Cli.0.2.0.nupkg"));
        var toolEntries = tool.Entries.Select(e => e.FullName).ToList();
        Assert.Contains("README.md", toolEntries);
        Assert.Contains("tools/net10.0/any/StreamHub.Client.dll", toolEntries);
        var settings = XDocument.Load(tool.GetEntry("tools/net10.0/any/DotnetToolSettings.xml")!.Open());
        var command = Assert.Single(settings.Descendants("Command"));
        Assert.Equal(("streamhub", "StreamHub.Cli.dll", "dotnet"), ((string?)command.Attribute("Name"), (string?)command.Attribute("EntryPoint"), (string?)command.Attribute("Runner")));
        var toolSpec = Nuspec(tool);
        Assert.Equal("README.md", Meta(toolSpec, "readme"));
        Assert.Contains(toolSpec.Descendants(), e => e.Name.LocalName == "packageType" && (string?)e.Attribute("name") == "DotnetTool");
    }

    private async Task PackAsync(string project)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = RepositoryRoot(), RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "pack", project, "-c", "Release", "-o", _output, "--nologo", "-v", "quiet" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(process.ExitCode == 0, $"dotnet pack {project} failed:\n{await output}\n{await error}");
    }

    private static XDocument Nuspec(ZipArchive package)
        => XDocument.Load(package.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());

    private static string? Meta(XDocument nuspec, string name)
        => nuspec.Descendants().FirstOrDefault(e => e.Name.LocalName == name)?.Value;

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Hub.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Hub.sln not found above " + AppContext.BaseDirectory);
    }
}
