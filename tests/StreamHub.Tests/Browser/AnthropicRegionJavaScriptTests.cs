using System.Text.Json.Nodes;
using Microsoft.Playwright;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Anthropic;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.OpenAi.OpenAiTestKit;

namespace StreamHub.Tests.Browser;

/// <summary>
/// The JavaScript SignalR client (the build <c>wwwroot/</c> vendors) in headless Chromium streams from an
/// Anthropic-dialect region: Claude's thinking, asked for with <c>reasoningEffort</c>, arrives as reasoning events
/// ahead of the answer, as from any region.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class AnthropicRegionJavaScriptTests(ChromiumBrowser chromium) : IAsyncLifetime
{
    private const string Prompt = "Tell me about rivers";

    /// <summary>Runs in the page (served by StreamHub, so the hub is same-origin): one StreamEvents call to its end.</summary>
    private const string StreamEventsScript = """
        async ([prompt, key]) => {
          const connection = new signalR.HubConnectionBuilder()
            .withUrl("/hubs/stream", { transport: signalR.HttpTransportType.WebSockets, accessTokenFactory: () => key })
            .build();
          await connection.start();
          const events = [];
          try {
            await new Promise((resolve, reject) => connection.stream("StreamEvents", { prompt, maxTokens: 2000, reasoningEffort: "low" })
              .subscribe({ next: e => events.push(e), complete: resolve, error: reject }));
            return JSON.stringify({ events });
          } catch (error) {
            return JSON.stringify({ error: String(error), events });
          } finally {
            await connection.stop();
          }
        }
        """;

    private StreamHubServer _server = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        _server = await AnthropicTestKit.StartAsync("Anthropic");
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.ToString() });
        _context.SetDefaultTimeout((float)Waits.Timeout.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync().WaitAsync(Waits.Timeout);
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task StreamEvents_JavaScriptClientAnthropicRegion_ThinkingArrivesAsReasoningBeforeTheAnswer()
    {
        var page = await _context.NewPageAsync().WaitAsync(Waits.Timeout);
        await page.GotoAsync("/").WaitAsync(Waits.Timeout);
        var result = JsonNode.Parse(await page.EvaluateAsync<string>(StreamEventsScript, new[] { Prompt, AcmeKey }).WaitAsync(Waits.Timeout))!;

        Assert.Null(result["error"]);
        var events = result["events"]!.AsArray().Select(e => ((string)e!["type"]!, (string?)e["text"])).ToList();
        var reasoning = events.TakeWhile(e => e.Item1 == StreamEventTypes.Reasoning).ToList();
        Assert.Equal("Let me think this through.", string.Concat(reasoning.Select(e => e.Item2)));
        Assert.Equal(EmulatorText.Text(Prompt, 12), string.Concat(events.Where(e => e.Item1 == StreamEventTypes.Text).Select(e => e.Item2)));
        Assert.Equal([StreamEventTypes.Finish, StreamEventTypes.Usage], events.TakeLast(2).Select(e => e.Item1));
        Assert.Equal("/v1/messages", _server.Emulator.State.GetRequests()[^1].Path);
    }
}
