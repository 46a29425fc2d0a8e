using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Fanout;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.Streaming;

namespace StreamHub.Tests.Cli;

/// <summary>
/// <c>streamhub watch</c> in a real terminal (tmux), following a request and a group that run on another StreamHub
/// instance sharing one real redis-server.
/// </summary>
public sealed class CliWatchTests : IAsyncLifetime
{
    private const string KeyA = "tenant-a-key-0123456789";
    private RedisServer _redis = null!;
    private StreamHubServer _a = null!;
    private StreamHubServer _b = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var settings = FanoutTests.TenantSettings();
        settings["Redis:ConnectionString"] = _redis.ConnectionString;
        settings["Redis:ChannelPrefix"] = "w" + Guid.NewGuid().ToString("N")[..8];
        _a = await StreamHubServer.StartAsync(settings);
        _b = await StreamHubServer.StartAsync(settings, _a.Emulator);
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Watch_RequestRunningOnAnotherInstance_ShowsTheWholeAnswerAndExitsZero()
    {
        await using var caller = await _a.ConnectAsync(KeyA);
        var answer = HubStreamingTests.ReadAllAsync(caller, new StreamRequest { RequestId = "tmux-watch", Prompt = "[emulator: tps=20 tokens=30] watched from afar" });

        await using var terminal = await TmuxSession.StartCliAsync(
            new Dictionary<string, string> { ["STREAMHUB_URL"] = _b.BaseAddress.ToString(), ["STREAMHUB_API_KEY"] = KeyA }, "watch", "tmux-watch");

        var screen = await terminal.WaitForAsync("[exit 0]");
        Assert.Contains(EmulatorText.Text("watched from afar", 30), screen, StringComparison.Ordinal);
        Assert.Equal(EmulatorText.Text("watched from afar", 30), string.Concat(await answer.WaitAsync(StreamHubServer.Timeout)));
    }

    [Fact]
    public async Task Watch_AnotherTenantsRequest_PrintsInvalidRequestAndExitsOne()
    {
        await using var other = await _a.ConnectAsync("tenant-b-key-0123456789");
        await HubStreamingTests.ReadAllAsync(other, new StreamRequest { RequestId = "b-only", Prompt = "mine", MaxTokens = 3 });

        await using var terminal = await TmuxSession.StartCliAsync(null, "watch", "b-only", "--url", _b.BaseAddress.ToString(), "--key", KeyA);

        var screen = await terminal.WaitForAsync("[exit 1]");
        Assert.Contains("invalid_request: ", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchGroup_RequestFansOutOnAnotherInstance_ShowsItsTextUnderItsIdUntilCtrlC()
    {
        await using var terminal = await TmuxSession.StartCliAsync(null, "watch", "--group", "war-room", "--url", _b.BaseAddress.ToString(), "--key", KeyA);
        await terminal.WaitForAsync("following group war-room"); // printed once the join is done
        await using var caller = await _a.ConnectAsync(KeyA);

        await HubStreamingTests.ReadAllAsync(caller, new StreamRequest { RequestId = "g-1", Prompt = "for the whole room", MaxTokens = 15, Group = "war-room" });

        var screen = await terminal.WaitForAsync("[g-1] done");
        Assert.Contains("[g-1]\n" + EmulatorText.Text("for the whole room", 15), screen, StringComparison.Ordinal);
        await terminal.PressAsync("C-c");
        await terminal.WaitForAsync("[exit 0]");
        Assert.Contains("(stopped following)", await terminal.ScreenAsync(), StringComparison.Ordinal);
    }
}
