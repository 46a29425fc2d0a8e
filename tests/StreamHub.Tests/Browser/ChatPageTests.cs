using StreamHub.Emulator;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StreamHub.Tests.Browser;

/// <summary>The page as a chat: the conversation travels with every turn, reasoning and tool calls show as they stream.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPageTests(ChromiumBrowser chromium, ITestOutputHelper output)
{
    [Fact]
    public async Task Page_SecondTurn_CarriesTheFirstTurnAsMessages()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var status = session.Page.Locator("#status");
        await session.Page.Locator("#max-tokens").FillAsync("5");
        await session.SendAsync("Tell me about rivers");
        await Expect(status).ToContainTextAsync("done — 5 tokens");

        await session.SendAsync("And lakes?");

        await Expect(status).ToContainTextAsync("done — 5 tokens");
        await Expect(session.AssistantTurns).ToHaveCountAsync(2);
        Assert.Equal(EmulatorText.Text("And lakes?", 5), await session.LastAnswerTextAsync());
        var requests = session.Server.Emulator.State.GetRequests();
        Assert.Equal(2, requests.Count);
        Assert.Equal(
            [("user", "Tell me about rivers"), ("assistant", EmulatorText.Text("Tell me about rivers", 5)), ("user", "And lakes?")],
            requests[1].Messages.Select(m => (m.Role, m.Content)));
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task Page_NewConversation_SendsOnlyTheNewMessage()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var status = session.Page.Locator("#status");
        await session.SendAsync("first topic");
        await Expect(status).ToContainTextAsync("done");

        await session.Page.Locator("#new-conversation").ClickAsync();
        await session.SendAsync("second topic");

        await Expect(status).ToContainTextAsync("done");
        await Expect(session.AssistantTurns).ToHaveCountAsync(1);
        var sent = session.Server.Emulator.State.GetRequests()[^1];
        Assert.Equal([("user", "second topic")], sent.Messages.Select(m => (m.Role, m.Content)));
    }

    [Fact]
    public async Task Page_ReasoningStreams_ShownFoldedAboveTheAnswer()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var turn = session.AssistantTurns.Last;

        // Three reasoning deltas, two answer tokens, then the upstream goes quiet: the answer is still streaming.
        await session.SendAsync("[emulator: reasoning=3 stall-after=2] why is the sky blue");

        await Expect(session.LastAnswer).ToHaveTextAsync(EmulatorText.Text("why is the sky blue", 2));
        var reasoning = turn.Locator("details.reasoning");
        await Expect(reasoning).ToBeVisibleAsync();
        await Expect(reasoning).ToHaveJSPropertyAsync("open", false);
        await Expect(reasoning.Locator(".reasoning-text")).ToBeHiddenAsync();
        await Expect(session.Page.Locator("#cancel")).ToBeEnabledAsync();
        Assert.True(await turn.EvaluateAsync<bool>(
            "t => !!(t.querySelector('details.reasoning').compareDocumentPosition(t.querySelector('.answer')) & Node.DOCUMENT_POSITION_FOLLOWING)"));

        await reasoning.Locator("summary").ClickAsync();

        await Expect(reasoning.Locator(".reasoning-text")).ToHaveTextAsync(string.Concat(EmulatorText.Reasoning("why is the sky blue", 3)));
        await session.Page.Locator("#cancel").ClickAsync();
        await session.Server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Page_NoReasoning_ShowsNoReasoningBox()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);

        await session.SendAsync("plain answer");

        await Expect(session.Page.Locator("#status")).ToContainTextAsync("done");
        await Expect(session.AssistantTurns.Last.Locator("details.reasoning")).ToBeHiddenAsync();
        await Expect(session.AssistantTurns.Last.Locator(".tool-calls")).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Page_ToolCallsStream_ShownAsTheyArrive()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var calls = session.AssistantTurns.Last.Locator(".tool-call");

        // The call's arguments ("{}") in two fragments; the upstream goes quiet after the first.
        await session.SendAsync("[emulator: tools=1 arg-fragments=2 stall-after=1] look it up");

        await Expect(calls).ToHaveCountAsync(1);
        await Expect(calls.First.Locator(".tool-name")).ToHaveTextAsync("lookup");
        await Expect(calls.First.Locator(".tool-arguments")).ToHaveTextAsync("{");
        await Expect(session.Page.Locator("#cancel")).ToBeEnabledAsync();
        await session.Page.Locator("#cancel").ClickAsync();
        await session.Server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task Page_ToolCallsComplete_ShowsEveryCallAndItsArguments()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var calls = session.AssistantTurns.Last.Locator(".tool-call");

        await session.SendAsync("[emulator: tools=2 parallel] look it up");

        await Expect(session.Page.Locator("#status")).ToContainTextAsync("done — 0 tokens, 2 tool calls");
        await Expect(calls).ToHaveCountAsync(2);
        await Expect(calls.Locator(".tool-name")).ToHaveTextAsync(["lookup", "lookup"]);
        await Expect(calls.Locator(".tool-arguments")).ToHaveTextAsync(["{}", "{}"]);
        Assert.Empty(session.BrowserErrors);
    }
}
