using Microsoft.Playwright;
using StreamHub.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StreamHub.Tests.Browser;

/// <summary>
/// The page in wwwroot/ end to end: a fresh server (real app on loopback Kestrel, real emulator) and a fresh
/// browser context on it, with the page loaded. The page carries its own <c>script-src 'self'</c> policy, so
/// an inline script shows up as a browser error the tests see in <see cref="BrowserErrors"/>.
/// (Serving the page through Playwright's request interception to add the header instead makes Chromium
/// treat it as public and block its WebSocket to loopback: ERR_BLOCKED_BY_LOCAL_NETWORK_ACCESS_CHECKS.)
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    public static readonly float Timeout = (float)StreamHubServer.Timeout.TotalMilliseconds;

    private readonly List<string> _browserErrors = [];
    private readonly ITestOutputHelper _output;
    private readonly IBrowserContext _context;

    private BrowserSession(StreamHubServer server, IBrowserContext context, IPage page, ITestOutputHelper output)
    {
        Server = server;
        _context = context;
        Page = page;
        _output = output;
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                _browserErrors.Add(message.Text);
            }
        };
        page.PageError += (_, error) => _browserErrors.Add(error);
    }

    public StreamHubServer Server { get; }

    public IPage Page { get; }

    public IReadOnlyList<string> BrowserErrors => _browserErrors;

    /// <summary>The conversation's turns: <c>.turn.user</c> and <c>.turn.assistant</c>, in order.</summary>
    public ILocator AssistantTurns => Page.Locator(".turn.assistant");

    /// <summary>The answer of the latest assistant turn.</summary>
    public ILocator LastAnswer => AssistantTurns.Last.Locator(".answer");

    public static async Task<BrowserSession> OpenAsync(
        ChromiumBrowser chromium, ITestOutputHelper output, IDictionary<string, string?>? settings = null)
    {
        SetDefaultExpectTimeout(Timeout);
        var server = await StreamHubServer.StartAsync(settings);
        try
        {
            var context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = server.BaseAddress.ToString() })
                .WaitAsync(StreamHubServer.Timeout);
            context.SetDefaultTimeout(Timeout);
            var page = await context.NewPageAsync().WaitAsync(StreamHubServer.Timeout);
            var session = new BrowserSession(server, context, page, output);
            await page.GotoAsync("/").WaitAsync(StreamHubServer.Timeout);
            return session;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Types a message and sends it (the answer streams into a new assistant turn).</summary>
    public async Task SendAsync(string message)
    {
        await Page.Locator("#prompt").FillAsync(message).WaitAsync(StreamHubServer.Timeout);
        await Page.Locator("#start").ClickAsync().WaitAsync(StreamHubServer.Timeout);
    }

    /// <summary>The answer's text as a reader sees it (text nodes joined).</summary>
    public async Task<string> LastAnswerTextAsync() => await LastAnswer.TextContentAsync().WaitAsync(StreamHubServer.Timeout) ?? "";

    public async ValueTask DisposeAsync()
    {
        // What the page showed, for the log of a failed test.
        try
        {
            _output.WriteLine($"status: {await Page.Locator("#status").TextContentAsync().WaitAsync(StreamHubServer.Timeout)}");
            foreach (var error in _browserErrors)
            {
                _output.WriteLine($"browser: {error}");
            }

            await _context.CloseAsync().WaitAsync(StreamHubServer.Timeout);
        }
        finally
        {
            await Server.DisposeAsync();
        }
    }
}
