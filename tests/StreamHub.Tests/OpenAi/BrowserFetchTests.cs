using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Emulator;
using StreamHub.Tests.Browser;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.OpenAi;

/// <summary>
/// A page in headless Chromium calls <c>/v1/chat/completions</c> with <c>fetch</c> and a tenant key. The
/// page comes from its own loopback Kestrel (another port is another origin): one origin is listed in
/// <c>Cors:AllowedOrigins</c> and streams; another is not and gets a CORS failure. The page holds only
/// the tenant key; the upstream key never leaves StreamHub.
/// </summary>
public sealed class BrowserFetchTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    /// <summary>Runs in the page: POSTs a streaming request and reads the SSE body to the end.</summary>
    private const string FetchScript = """
        async ([url, key, prompt]) => {
          try {
            const response = await fetch(url, {
              method: "POST",
              headers: { "Authorization": "Bearer " + key, "Content-Type": "application/json" },
              body: JSON.stringify({ model: "emulator-1", stream: true, max_tokens: 9, messages: [{ role: "user", content: prompt }] }),
            });
            const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
            let buffer = "", text = "", done = false;
            while (!done) {
              const { value, done: end } = await reader.read();
              if (end) break;
              buffer += value;
              let cut;
              while ((cut = buffer.indexOf("\n\n")) >= 0) {
                const data = buffer.slice(0, cut).replace(/^data: /, "");
                buffer = buffer.slice(cut + 2);
                if (data === "[DONE]") { done = true; break; }
                text += JSON.parse(data).choices[0]?.delta?.content ?? "";
              }
            }
            return { ok: true, status: response.status, text, done, requestId: response.headers.get("X-Request-Id") };
          } catch (error) {
            return { ok: false, error: String(error) };
          }
        }
        """;

    private readonly List<WebApplication> _pages = [];
    private StreamHubServer _server = null!;
    private Uri _allowed = null!;
    private Uri _refused = null!;

    public async Task InitializeAsync()
    {
        _allowed = await StartPageServerAsync();
        _refused = await StartPageServerAsync();
        _server = await StreamHubServer.StartAsync(Settings(("Cors:AllowedOrigins:0", _allowed.GetLeftPart(UriPartial.Authority))));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        foreach (var page in _pages)
        {
            await page.StopAsync().WaitAsync(StreamHubServer.Timeout);
            await page.DisposeAsync();
        }
    }

    [Fact]
    public async Task Fetch_FromAnAllowedOrigin_StreamsTheCompletion()
    {
        const string prompt = "a browser asks";

        var result = await FetchFromAsync(_allowed, prompt);

        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Equal(200, result.GetProperty("status").GetInt32());
        Assert.True(result.GetProperty("done").GetBoolean());
        Assert.Equal(EmulatorText.Text(prompt, 9), result.GetProperty("text").GetString());
        Assert.StartsWith("r", result.GetProperty("requestId").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fetch_FromAnOriginNotListed_IsRefusedByCorsAndNeverReachesTheUpstream()
    {
        var result = await FetchFromAsync(_refused, "a stranger asks");

        Assert.False(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.Contains("Failed to fetch", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(0, _server.Emulator.State.GetStats().TotalRequests);
    }

    private async Task<System.Text.Json.JsonElement> FetchFromAsync(Uri pageOrigin, string prompt)
    {
        var context = await chromium.Browser.NewContextAsync().WaitAsync(StreamHubServer.Timeout);
        try
        {
            var page = await context.NewPageAsync().WaitAsync(StreamHubServer.Timeout);
            await page.GotoAsync(pageOrigin.ToString()).WaitAsync(StreamHubServer.Timeout);
            var url = new Uri(_server.BaseAddress, "v1/chat/completions").ToString();
            return await page.EvaluateAsync<System.Text.Json.JsonElement>(FetchScript, new[] { url, AcmeKey, prompt }).WaitAsync(StreamHubServer.Timeout);
        }
        finally
        {
            await context.CloseAsync().WaitAsync(StreamHubServer.Timeout);
        }
    }

    /// <summary>A tiny site on its own loopback port: its origin is not StreamHub's.</summary>
    private async Task<Uri> StartPageServerAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content("<!doctype html><title>page</title><p>a page on another origin</p>", "text/html"));
        await app.StartAsync().WaitAsync(StreamHubServer.Timeout);
        _pages.Add(app);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new Uri(address.TrimEnd('/') + "/");
    }
}
