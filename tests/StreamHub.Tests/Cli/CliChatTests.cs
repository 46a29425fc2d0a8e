using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Cli;

/// <summary><c>streamhub chat</c> in a real terminal (tmux): typed into, read off the screen.</summary>
public sealed class CliChatTests : IAsyncLifetime
{
    private const string Key = "tenant-key-0123456789abcdef";
    private StreamHubServer _server = null!;
    private TmuxSession _terminal = null!;

    public async Task InitializeAsync()
    {
        _server = await StreamHubServer.StartAsync(new Dictionary<string, string?> { ["Tenants:0:Name"] = "acme", ["Tenants:0:ApiKey"] = Key });
        _terminal = await TmuxSession.StartCliAsync(null, "chat", "--url", _server.BaseAddress.ToString(), "--key", Key);
        await _terminal.WaitForAsync("Ctrl+D or /exit quits");
    }

    public async Task DisposeAsync()
    {
        await _terminal.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Chat_TwoQuestions_EachAnswerStreamsWithASummaryAndTheSecondCarriesTheHistory()
    {
        await _terminal.TypeLineAsync("hello there");
        await _terminal.WaitForAsync(EmulatorText.Text("hello there", 12) + "\n[emulator-1 · primary · ");

        await _terminal.TypeLineAsync("and again");
        await _terminal.WaitForAsync(EmulatorText.Text("and again", 12));

        var sent = _server.Emulator.State.GetRequests()[^1].Messages;
        Assert.Equal(["user", "assistant", "user"], sent.Select(m => m.Role));
        Assert.Equal(EmulatorText.Text("hello there", 12), sent[1].Content);
    }

    [Fact]
    public async Task Chat_ReasoningModel_ReasoningIsDimmedAndTheAnswerIsNot()
    {
        await _terminal.TypeLineAsync("[emulator: reasoning=3] ponder");

        var answer = EmulatorText.Text("ponder", 12);
        var screen = await _terminal.WaitForAsync(s => s.Contains(answer, StringComparison.Ordinal), "the answer", escapes: true);
        var reasoning = string.Concat(EmulatorText.Reasoning("ponder", 3));
        Assert.Matches("\e\\[2m" + System.Text.RegularExpressions.Regex.Escape(reasoning), screen);
        var line = screen.Split('\n').Single(l => l.Contains(answer, StringComparison.Ordinal));
        Assert.DoesNotContain("\e[2m", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ModelCallsATool_TheCallIsShown()
    {
        await _terminal.TypeLineAsync("[emulator: tools=1 tool=lookup] find it");

        var screen = await _terminal.WaitForAsync("⚙ lookup(");

        Assert.Contains("tool_calls]", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_CtrlCDuringAnAnswer_CancelsTheAnswerAndTheSessionGoesOn()
    {
        await _terminal.TypeLineAsync("[emulator: tps=5 tokens=500] a very long story");
        var story = EmulatorText.Tokens("a very long story", 3);
        await _terminal.WaitForAsync(string.Concat(story));

        await _terminal.PressAsync("C-c");
        await _terminal.WaitForAsync("[cancelled]");

        await _terminal.TypeLineAsync("still there?");
        var screen = await _terminal.WaitForAsync(EmulatorText.Text("still there?", 12));
        Assert.DoesNotContain("[exit", screen, StringComparison.Ordinal);
        await _terminal.PressAsync("C-d");
        await _terminal.WaitForAsync("[exit 0]");
    }

    [Fact]
    public async Task Chat_Failure_ShowsTheCodeAndTheSessionGoesOn()
    {
        await _terminal.TypeLineAsync("[emulator: status=400] refused");
        await _terminal.WaitForAsync("[failed]\ninvalid_request: the upstream rejected the request (400)");

        await _terminal.TypeLineAsync("/exit");
        await _terminal.WaitForAsync("[exit 0]");
    }
}
