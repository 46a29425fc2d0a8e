using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Cli;

/// <summary><c>streamhub ask</c> as a script runs it: stdout, stderr and the exit code of a real process.</summary>
public sealed class CliAskTests : IAsyncLifetime
{
    private const string Key = "tenant-key-0123456789abcdef";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
    {
        ["Identity:AllowAnonymous"] = "false",
        ["Tenants:0:Name"] = "acme",
        ["Tenants:0:ApiKey"] = Key,
        ["Tenants:1:Name"] = "limited",
        ["Tenants:1:ApiKey"] = "limited-key-0123456789abcdef",
        ["Tenants:1:RequestsPerMinute"] = "1",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Ask_UrlAndKeyFromTheEnvironment_PrintsOnlyTheAnswerAndExitsZero()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(Environment(Key), "ask", "What", "is", "a", "river?");

        Assert.Equal((0, ""), (exit, stderr));
        Assert.Equal(EmulatorText.Text("What is a river?", 12) + "\n", stdout);
    }

    [Fact]
    public async Task Ask_OptionsOnTheCommandLine_ReachTheRequest()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(
            null, "ask", "--url", _server.BaseAddress.ToString(), "--key", Key, "--model", "emulator-2", "--priority", "low", "[emulator: tokens=30] long one");

        Assert.Equal((0, ""), (exit, stderr));
        Assert.Equal(EmulatorText.Text("long one", 30) + "\n", stdout);
        Assert.Equal("emulator-2", _server.Emulator.State.GetRequests()[^1].Model);
    }

    [Fact]
    public async Task Ask_UnknownKey_UnauthorizedOnStderrAndExitOne()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(Environment("wrong-key-0123456789abcdef"), "ask", "hello");

        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith("unauthorized: ", stderr, StringComparison.Ordinal);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task Ask_TenantOverItsLimit_RateLimitedCodeAndSentence()
    {
        var limited = Environment("limited-key-0123456789abcdef");
        Assert.Equal(0, (await CliProcess.RunAsync(limited, "ask", "one")).ExitCode);

        var (exit, stdout, stderr) = await CliProcess.RunAsync(limited, "ask", "two");

        Assert.Equal((1, ""), (exit, stdout));
        Assert.Matches(@"^rate_limited: .*retry in \d+ s\n$", stderr);
    }

    [Fact]
    public async Task Ask_UpstreamBreaksMidAnswer_PartialTextOnStdoutCodeOnStderr()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(Environment(Key), "ask", "[emulator: drop-after=3] break");

        Assert.Equal(1, exit);
        Assert.StartsWith("upstream_interrupted: ", stderr, StringComparison.Ordinal);
        Assert.StartsWith(EmulatorText.Text("break", 3), stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_NoPromptAndNothingOnStdin_InvalidRequest()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(Environment(Key), "ask");

        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith("invalid_request: give a prompt", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ask_PriorityNotATier_InvalidRequestBeforeAnythingIsSent()
    {
        var requests = _server.Emulator.State.GetRequests().Count;

        var (exit, stdout, stderr) = await CliProcess.RunAsync(Environment(Key), "ask", "--priority", "urgent", "hello");

        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith("invalid_request: ", stderr, StringComparison.Ordinal);
        Assert.Contains("urgent", stderr, StringComparison.Ordinal);
        Assert.Equal(requests, _server.Emulator.State.GetRequests().Count);
    }

    [Fact]
    public async Task Ask_NothingListens_ConnectionLost()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(new Dictionary<string, string> { ["STREAMHUB_URL"] = "http://127.0.0.1:9" }, "ask", "anyone?");

        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith("connection_lost: could not connect to StreamHub at http://127.0.0.1:9/hubs/stream", stderr, StringComparison.Ordinal);
    }

    private Dictionary<string, string> Environment(string key) => new()
    {
        ["STREAMHUB_URL"] = _server.BaseAddress.ToString(),
        ["STREAMHUB_API_KEY"] = key,
    };
}
