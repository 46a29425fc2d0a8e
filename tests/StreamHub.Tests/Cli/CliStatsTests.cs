using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Cli;

/// <summary><c>streamhub stats</c>: the operators' figures, once for scripts and live in a terminal.</summary>
public sealed class CliStatsTests : IAsyncLifetime
{
    private const string AdminKey = "admin-key-0123456789abcdef";
    private const string Key = "tenant-key-0123456789abcdef";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
    {
        ["Admin:ApiKey"] = AdminKey,
        ["Tenants:0:Name"] = "acme",
        ["Tenants:0:ApiKey"] = Key,
        ["Admission:MaxConcurrentStreams"] = "7",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task StatsOnce_AdminKey_PrintsThePoolQueuesAndTenants()
    {
        Assert.Equal(0, (await CliProcess.RunAsync(null, "ask", "--url", _server.BaseAddress.ToString(), "--key", Key, "count me")).ExitCode);

        var (exit, stdout, stderr) = await CliProcess.RunAsync(null, "stats", "--once", "--url", _server.BaseAddress.ToString(), "--key", AdminKey);

        Assert.Equal((0, ""), (exit, stderr));
        Assert.Contains("0/7 permits", stdout, StringComparison.Ordinal);
        Assert.Contains("critical 0 · high 0 · normal 0 · low 0", stdout, StringComparison.Ordinal);
        Assert.Contains("admitted 1 · completed 1", stdout, StringComparison.Ordinal);
        Assert.Matches(@"acme\s+1 requests", stdout);
        Assert.DoesNotContain("\e[", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_TenantKey_ForbiddenAndExitOne()
    {
        var (exit, stdout, stderr) = await CliProcess.RunAsync(null, "stats", "--once", "--url", _server.BaseAddress.ToString(), "--key", Key);

        Assert.Equal((1, ""), (exit, stdout));
        Assert.StartsWith("forbidden: ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_InATerminal_RedrawsAsRequestsComplete()
    {
        await using var terminal = await TmuxSession.StartCliAsync(
            new Dictionary<string, string> { ["STREAMHUB_URL"] = _server.BaseAddress.ToString(), ["STREAMHUB_API_KEY"] = AdminKey }, "stats", "--interval", "0.3");
        await terminal.WaitForAsync("admitted 0 · completed 0");

        Assert.Equal(0, (await CliProcess.RunAsync(null, "ask", "--url", _server.BaseAddress.ToString(), "--key", Key, "live")).ExitCode);

        var screen = await terminal.WaitForAsync("admitted 1 · completed 1");
        Assert.DoesNotContain("admitted 0", screen, StringComparison.Ordinal); // redrawn in place, not appended
        await terminal.PressAsync("C-c");
        await terminal.WaitForAsync("[exit 0]");
    }
}
