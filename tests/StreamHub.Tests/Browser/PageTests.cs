using Microsoft.Playwright;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StreamHub.Tests.Browser;

/// <summary>
/// The page in wwwroot/ end to end: headless Chromium, the vendored JavaScript SignalR client over
/// WebSockets, the real app on loopback Kestrel and a real emulator. The page carries its own
/// <c>script-src 'self'</c> policy, so an inline script shows up as a browser error these tests catch.
/// (Serving the page through Playwright's request interception to add the header instead makes Chromium
/// treat it as public and block its WebSocket to loopback: ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS.)
/// </summary>
public sealed class PageTests(ChromiumBrowser chromium, PageTests.SharedServer shared, ITestOutputHelper output)
    : IClassFixture<ChromiumBrowser>, IClassFixture<PageTests.SharedServer>, IAsyncLifetime
{
    private static readonly float Timeout = (float)StreamHubServer.Timeout.TotalMilliseconds;

    private readonly List<string> _browserErrors = [];
    private StreamHubServer? _server;
    private IBrowserContext? _context;
    private IPage? _page;

    private IPage Page => _page ?? throw new InvalidOperationException("the page did not load");

    private StreamHubServer Server => _server ?? throw new InvalidOperationException("the server did not start");

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(Timeout);
        _server = await shared.ForTestAsync();
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.ToString() });
        _context.SetDefaultTimeout(Timeout);
        _page = await _context.NewPageAsync();
        _page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _browserErrors.Add(message.Text);
            }
        };
        _page.PageError += (_, error) => _browserErrors.Add(error);
        await _page.GotoAsync("/").WaitAsync(StreamHubServer.Timeout);
    }

    public async Task DisposeAsync()
    {
        // What the page showed, for the log of a failed test.
        if (_page is not null)
        {
            output.WriteLine($"status: {await _page.Locator("#status").TextContentAsync().WaitAsync(StreamHubServer.Timeout)}");
        }

        foreach (var error in _browserErrors)
        {
            output.WriteLine($"browser: {error}");
        }

        if (_context is not null)
        {
            await _context.CloseAsync().WaitAsync(StreamHubServer.Timeout);
        }
    }

    [Fact]
    public async Task Page_StreamsPrompt_ShowsTokensInOrder()
    {
        const string prompt = "Tell me about rivers";
        await Page.Locator("#prompt").FillAsync(prompt);
        await Page.Locator("#max-tokens").FillAsync("12");

        await Page.Locator("#start").ClickAsync();

        await Expect(Page.Locator("#status")).ToContainTextAsync("done — 12 tokens");
        Assert.Equal(EmulatorText.Text(prompt, 12), await Page.Locator("#output").TextContentAsync().WaitAsync(StreamHubServer.Timeout));
        await Expect(Page.Locator("#status")).ToContainTextAsync("usage:");
        await Expect(Page.Locator("#start")).ToBeEnabledAsync();
        await Expect(Page.Locator("#cancel")).ToBeDisabledAsync();
        var sent = Server.Emulator.State.GetRequests()[^1];
        Assert.Equal(12, sent.MaxTokens);
        Assert.Equal(prompt, sent.Messages[^1].Content);
        Assert.Empty(_browserErrors);
    }

    [Fact]
    public async Task Page_UpstreamFails_ShowsTheErrorCode()
    {
        await Page.Locator("#prompt").FillAsync("[emulator: status=400] this request is refused");

        await Page.Locator("#start").ClickAsync();

        await Expect(Page.Locator("#error-code")).ToHaveTextAsync("invalid_request");
        await Expect(Page.Locator("#status")).ToContainTextAsync("the upstream rejected the request");
        await Expect(Page.Locator("#output")).ToBeEmptyAsync();
        await Expect(Page.Locator("#start")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Page_Cancel_EndsTheUpstreamRequest()
    {
        await Page.Locator("#prompt").FillAsync("[emulator: tps=10 tokens=200] slow");
        await Page.Locator("#start").ClickAsync();
        await Expect(Page.Locator("#output")).Not.ToBeEmptyAsync();
        Assert.Equal(1, Server.Emulator.State.OpenStreams);

        await Page.Locator("#cancel").ClickAsync();

        await Server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
        await Expect(Page.Locator("#status")).ToContainTextAsync("cancelled");
        await Expect(Page.Locator("#start")).ToBeEnabledAsync();
    }

    /// <summary>One server for the page tests (each has its own browser context): each starts with no stream running.</summary>
    public sealed class SharedServer() : SharedStreamHub;
}
