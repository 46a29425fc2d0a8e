using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using StreamHub.Contracts;
using StreamHub.Tests.Fanout;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.Streaming;

namespace StreamHub.Tests.Browser;

/// <summary>
/// The JavaScript SignalR client (the build <c>wwwroot/</c> vendors) in headless Chromium calls <c>StreamEvents</c>
/// and gets exactly the events the .NET client gets: the same JSON, members that do not apply left out.
/// </summary>
public sealed class JavaScriptEventsTests(ChromiumBrowser chromium) : IClassFixture<ChromiumBrowser>, IAsyncLifetime
{
    /// <summary>Runs in the page (served by StreamHub, so the hub is same-origin): one StreamEvents call to its end, as tenant "a".</summary>
    private const string StreamEventsScript = """
        async ([requestId, prompt, key]) => {
          const connection = new signalR.HubConnectionBuilder()
            .withUrl("/hubs/stream", { transport: signalR.HttpTransportType.WebSockets, accessTokenFactory: () => key })
            .build();
          await connection.start();
          const events = [];
          try {
            await new Promise((resolve, reject) => connection.stream("StreamEvents", { requestId, prompt })
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
        _server = await StreamHubServer.StartAsync(FanoutTestKit.TenantSettings());
        _context = await chromium.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _server.BaseAddress.ToString() });
        _context.SetDefaultTimeout((float)StreamHubServer.Timeout.TotalMilliseconds);
    }

    public async Task DisposeAsync()
    {
        await _context.CloseAsync().WaitAsync(StreamHubServer.Timeout);
        await _server.DisposeAsync();
    }

    [Fact]
    public async Task StreamEvents_JavaScriptAndDotNetClients_ReceiveTheSameEvents()
    {
        var fromJs = await StreamEventsInPageAsync("js-1", StreamEventKit.ToolPrompt);
        // The same tenant as the page: an anonymous connection owns only its own requests.
        await using var connection = await _server.ConnectAsync(FanoutTestKit.KeyA);
        var watched = await Streams.ReadToEndAsync(await connection.StreamAsChannelAsync<StreamEvent>("Watch", "js-1", 0L).WaitAsync(StreamHubServer.Timeout));
        var fromDotNet = await StreamEventKit.ReadEventsAsync(connection, new StreamRequest { RequestId = "net-1", Prompt = StreamEventKit.ToolPrompt });

        // The same request read by both clients: identical, member for member.
        Assert.Equal(Json(watched), fromJs.ToJsonString());

        // The same prompt asked by each client: identical but for the call ids, which the upstream makes per request.
        Assert.Equal(WithoutIds(JsonNode.Parse(Json(fromDotNet))!), WithoutIds(fromJs));
        Assert.Contains(fromDotNet, e => e.Type == StreamEventTypes.ToolCall && e.Id is not null);
    }

    [Fact]
    public async Task StreamEvents_JavaScriptClient_GetsOnlyTheMembersEachTypeHas()
    {
        var events = (await StreamEventsInPageAsync("js-2", "[emulator: tokens=2 tools=1 reasoning=1] keys")).AsArray();

        string Keys(string type) => string.Join(",", events.First(e => (string?)e!["type"] == type)!.AsObject().Select(p => p.Key));
        Assert.Equal("seq,type,text", Keys(StreamEventTypes.Text));
        Assert.Equal("seq,type,text", Keys(StreamEventTypes.Reasoning));
        Assert.Equal("seq,type,index,id,name", Keys(StreamEventTypes.ToolCall));
        Assert.Equal("seq,type,finishReason,model", Keys(StreamEventTypes.Finish));
        Assert.Equal("seq,type,usage", Keys(StreamEventTypes.Usage));
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => (long)e!["seq"]!));
    }

    private async Task<JsonNode> StreamEventsInPageAsync(string requestId, string prompt)
    {
        var page = await _context.NewPageAsync().WaitAsync(StreamHubServer.Timeout);
        await page.GotoAsync("/").WaitAsync(StreamHubServer.Timeout);
        // Returned as the JSON text the page itself would see (Playwright's own conversion annotates objects).
        var result = JsonNode.Parse(await page.EvaluateAsync<string>(StreamEventsScript, new[] { requestId, prompt, FanoutTestKit.KeyA }).WaitAsync(StreamHubServer.Timeout))!;
        Assert.Null(result["error"]);
        return result["events"]!;
    }

    /// <summary>The events as the hub's JSON protocol writes them (camelCase, nulls left out).</summary>
    private static string Json(List<StreamEvent> events) => JsonSerializer.Serialize(events, JsonOptions);

    private static string WithoutIds(JsonNode events)
    {
        foreach (var item in events.AsArray())
        {
            if (item!["id"] is not null)
            {
                item["id"] = "call";
            }
        }

        return events.ToJsonString();
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);
}
