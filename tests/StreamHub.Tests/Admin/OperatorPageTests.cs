using Microsoft.Playwright;
using StreamHub.Contracts;
using StreamHub.Tests.Browser;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Admin;

/// <summary>The operator page in headless Debian Chromium, against the real app with streams running.</summary>
public sealed class OperatorPageTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    private IBrowser _browser => chromium.Browser;

    public async Task InitializeAsync()
        => _server = await StreamHubServer.StartAsync(Settings(("Admission:MaxConcurrentStreams", "2"), ("Admission:BackpressureThreshold", "1")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task OperatorPage_StreamsRunning_ShowsLiveNumbersAndAborts()
    {
        var page = await _browser.NewPageAsync();
        var problems = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                problems.Add($"{message.Text} ({message.Location})");
            }
        };
        await page.GotoAsync(new Uri(_server.BaseAddress, "admin.html").ToString()).WaitAsync(StreamHubServer.Timeout);
        await page.FillAsync("#key", AdminKey).WaitAsync(StreamHubServer.Timeout);
        await page.ClickAsync("#login button[type=submit]").WaitAsync(StreamHubServer.Timeout);
        await Expect(page.Locator("#active-streams")).ToHaveTextAsync("0");

        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        using var hold = new CancellationTokenSource();
        for (var i = 0; i < 3; i++)
        {
            _ = await caller.StartAsync(new StreamRequest { RequestId = $"page-{i}", Prompt = Slow }, hold.Token);
        }

        await Expect(page.Locator("#active-streams")).ToHaveTextAsync("2");
        await Expect(page.Locator("#queued")).ToHaveTextAsync("1");
        await Expect(page.Locator("#requests tr")).ToHaveCountAsync(3);
        await Expect(page.Locator("#regions")).ToContainTextAsync("primary");
        await Expect(page.Locator("#models tr", new() { HasText = "emulator-1" })).ToContainTextAsync("primary");
        await Expect(page.Locator("#any-name")).ToContainTextAsync("Any other name goes as asked to: primary");
        Assert.Equal("streamhub.adminKey", await page.EvaluateAsync<string>("Object.keys(sessionStorage)[0]").WaitAsync(StreamHubServer.Timeout));

        // Abort the queued one from its row: it leaves the list.
        await page.Locator("#requests tr", new() { HasText = "page-2" }).GetByRole(AriaRole.Button, new() { Name = "Abort" }).ClickAsync().WaitAsync(StreamHubServer.Timeout);
        await Expect(page.Locator("#requests tr")).ToHaveCountAsync(2);
        await Expect(page.Locator("#queued")).ToHaveTextAsync("0");

        await hold.CancelAsync();
        await Expect(page.Locator("#active-streams")).ToHaveTextAsync("0");
        Assert.Empty(problems);
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
