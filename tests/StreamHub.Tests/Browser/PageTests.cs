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
public sealed class PageTests(ChromiumBrowser chromium, ITestOutputHelper output) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    private static readonly float Timeout = (float)StreamHubServer.Timeout.TotalMilliseconds;

    private readonly List<string> _browserErrors = [];
    private StreamHubServer _server = null!;
    private IBrowserContext _context = null!;
    private IPage _page = null!;

    public async Task InitializeAsync()
    {
        SetDefaultExpectTimeout(Timeout);
        _server = await StreamHubServer.StartAsync();
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
        output.WriteLine($"status: {await _page.Locator("#status").TextContentAsync().WaitAsync(StreamHubServer.Timeout)}");
        foreach (var error in _browserErrors)
        {
            output.WriteLine($"browser: {error}");
        }

        await _context.CloseAsync().WaitAsync(StreamHubServer.Timeout);
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task Page_StreamsPrompt_ShowsTokensInOrder()
    {
        const string prompt = "Tell me about rivers";
        await _page.Locator("#prompt").FillAsync(prompt);
        await _page.Locator("#max-tokens").FillAsync("12");

        await _page.Locator("#start").ClickAsync();

        await Expect(_page.Locator("#status")).ToContainTextAsync("done — 12 tokens");
        Assert.Equal(EmulatorText.Text(prompt, 12), await _page.Locator("#output").TextContentAsync().WaitAsync(StreamHubServer.Timeout));
        await Expect(_page.Locator("#status")).ToContainTextAsync("usage:");
        await Expect(_page.Locator("#start")).ToBeEnabledAsync();
        await Expect(_page.Locator("#cancel")).ToBeDisabledAsync();
        var sent = _server.Emulator.State.GetRequests()[^1];
        Assert.Equal(12, sent.MaxTokens);
        Assert.Equal(prompt, sent.Messages[^1].Content);
        Assert.Empty(_browserErrors);
    }

    [Fact]
    public async Task Page_UpstreamFails_ShowsTheErrorCode()
    {
        await _page.Locator("#prompt").FillAsync("[emulator: status=400] this request is refused");

        await _page.Locator("#start").ClickAsync();

        await Expect(_page.Locator("#error-code")).ToHaveTextAsync("invalid_request");
        await Expect(_page.Locator("#status")).ToContainTextAsync("the upstream rejected the request");
        await Expect(_page.Locator("#output")).ToBeEmptyAsync();
        await Expect(_page.Locator("#start")).ToBeEnabledAsync();
    }

    [Fact]
    public async Task Page_Cancel_EndsTheUpstreamRequest()
    {
        await _page.Locator("#prompt").FillAsync("[emulator: tps=10 tokens=200] slow");
        await _page.Locator("#start").ClickAsync();
        await Expect(_page.Locator("#output")).Not.ToBeEmptyAsync();
        Assert.Equal(1, _server.Emulator.State.OpenStreams);

        await _page.Locator("#cancel").ClickAsync();

        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
        await Expect(_page.Locator("#status")).ToContainTextAsync("cancelled");
        await Expect(_page.Locator("#start")).ToBeEnabledAsync();
    }
}
