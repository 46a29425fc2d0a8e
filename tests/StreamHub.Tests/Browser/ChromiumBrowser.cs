using Microsoft.Playwright;

namespace StreamHub.Tests.Browser;

/// <summary>
/// Debian's Chromium driven by Playwright's .NET driver (the node runtime the NuGet package copies to
/// <c>.playwright/</c> in the test output). Playwright never downloads a browser here: it launches the
/// system binary through <see cref="BrowserTypeLaunchOptions.ExecutablePath"/> with a fresh temporary
/// profile of its own, and the flags that keep Chromium off the network and runnable as root.
/// A missing Chromium fails every browser test with a message saying what to install; it never skips.
/// </summary>
public sealed class ChromiumBrowser : IAsyncLifetime
{
    /// <summary>Overrides the binary (e.g. a Chromium outside /usr/bin).</summary>
    public const string PathVariable = "STREAMHUB_CHROMIUM";

    private static readonly string[] Flags =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ];

    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public static string ExecutablePath => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("the browser has not started");

    public async Task InitializeAsync()
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is missing at {ExecutablePath}: the browser tests need it (Debian: apt-get install chromium, " +
                $"or set {PathVariable} to a Chromium binary). Playwright's own browser download is not used.");
        }

        // Belt and braces: nothing in this process should ever fetch Playwright's browsers.
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync().WaitAsync(TimeSpan.FromSeconds(60));
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = Flags,
            Timeout = 60_000,
        }).WaitAsync(TimeSpan.FromSeconds(70));
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }

        _playwright?.Dispose();
    }
}
