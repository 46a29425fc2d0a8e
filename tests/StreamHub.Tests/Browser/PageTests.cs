using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StreamHub.Tests.Browser;

/// <summary>What the page always did, now as a chat: stream an answer, cancel it, show the queue and the error code.</summary>
[Collection(BrowserCollection.Name)]
public sealed class PageTests(ChromiumBrowser chromium, ITestOutputHelper output)
{
    [Fact]
    public async Task Page_StreamsPrompt_ShowsTokensInOrder()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var page = session.Page;
        const string prompt = "Tell me about rivers";
        await page.Locator("#max-tokens").FillAsync("12");

        await session.SendAsync(prompt);

        await Expect(page.Locator("#status")).ToContainTextAsync("done — 12 tokens");
        Assert.Equal(EmulatorText.Text(prompt, 12), await session.LastAnswerTextAsync());
        await Expect(page.Locator("#status")).ToContainTextAsync("usage:");
        await Expect(page.Locator(".turn.user .message")).ToHaveTextAsync(prompt);
        await Expect(page.Locator("#start")).ToBeEnabledAsync();
        await Expect(page.Locator("#cancel")).ToBeDisabledAsync();
        await Expect(session.LastAnswer).ToHaveAttributeAsync("aria-live", "polite");
        await Expect(session.LastAnswer).ToHaveAttributeAsync("aria-busy", "false");
        var sent = session.Server.Emulator.State.GetRequests()[^1];
        Assert.Equal(12, sent.MaxTokens);
        Assert.Equal(prompt, sent.Messages[^1].Content);
        Assert.Empty(session.BrowserErrors);
    }

    [Fact]
    public async Task Page_UpstreamFails_ShowsTheErrorCode()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var page = session.Page;
        const string prompt = "[emulator: status=400] this request is refused";

        await session.SendAsync(prompt);

        await Expect(page.Locator("#error-code")).ToHaveTextAsync("invalid_request");
        await Expect(page.Locator("#status")).ToContainTextAsync("the upstream rejected the request");
        await Expect(session.LastAnswer).ToBeEmptyAsync();
        await Expect(page.Locator("#start")).ToBeEnabledAsync();
        // The failed message goes back into the box, ready to send again.
        await Expect(page.Locator("#prompt")).ToHaveValueAsync(prompt);
    }

    [Fact]
    public async Task Page_Cancel_EndsTheUpstreamRequest()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);
        var page = session.Page;
        await session.SendAsync("[emulator: tps=10 tokens=200] slow");
        await Expect(session.LastAnswer).Not.ToBeEmptyAsync();
        Assert.Equal(1, session.Server.Emulator.State.OpenStreams);

        await page.Locator("#cancel").ClickAsync();

        // Every request the page sends is resumable; cancelling it still ends its upstream at once.
        await session.Server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
        await Expect(page.Locator("#status")).ToContainTextAsync("cancelled");
        await Expect(page.Locator("#start")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Page_PoolFull_ShowsQueuePositionThenStreams()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output, new Dictionary<string, string?>
        {
            ["Admission:MaxConcurrentStreams"] = "1",
        });
        await using var blocker = await session.Server.ConnectAsync();
        using var holdSlot = new CancellationTokenSource();
        var held = await blocker.StreamAsChannelAsync<string>(
            "Stream", new StreamRequest { Prompt = "[emulator: tps=10 tokens=400] hold the slot" }, holdSlot.Token);
        await held.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        await session.SendAsync("[emulator: tokens=4] wait your turn");

        await Expect(session.Page.Locator("#status")).ToHaveTextAsync("1st in line");
        await holdSlot.CancelAsync();
        await Expect(session.Page.Locator("#status")).ToContainTextAsync("done — 4 tokens");
        Assert.Equal(EmulatorText.Text("wait your turn", 4), await session.LastAnswerTextAsync());
    }
}
