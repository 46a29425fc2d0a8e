using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace StreamHub.Tests.Browser;

/// <summary>
/// streamhub-client.js when the network drops mid-answer. Every hub WebSocket is routed through Playwright
/// (page ⇄ test ⇄ server), so the test can cut one as a network would: the server sees its caller gone (the
/// resumable request goes on), the page sees its socket closed and reconnects on its own.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class ResumeTests(ChromiumBrowser chromium, ITestOutputHelper output)
{
    private const string Key = "tenant-a-key-0123456789";

    // A tenant, not anonymous: a resumed answer is watched from a new connection, which must be the same caller.
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Tenants:0:Name"] = "a",
        ["Tenants:0:ApiKey"] = Key,
    };

    [Fact]
    public async Task Page_ConnectionDropsMidAnswer_ShowsTheWholeAnswerOnce()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output, Settings);
        var sockets = await RouteHubSocketsAsync(session.Page);
        await session.Page.Locator("#api-key").FillAsync(Key);
        await session.SendAsync("[emulator: tps=10 tokens=40] keep going");
        await Expect(session.LastAnswer).Not.ToBeEmptyAsync();

        await DropAsync(sockets);

        var atDrop = await session.LastAnswerTextAsync();
        Assert.True(atDrop.Length < EmulatorText.Text("keep going", 40).Length, "the answer had ended before the drop");
        await Expect(session.Page.Locator("#status")).ToContainTextAsync("done — 40 tokens");
        Assert.Equal(EmulatorText.Text("keep going", 40), await session.LastAnswerTextAsync());
        Assert.True(sockets.Count >= 2, "the page did not reconnect");
        Assert.Single(session.Server.Emulator.State.GetRequests());
    }

    [Fact]
    public async Task Client_ConnectionDropsMidAnswer_EventsArriveOnceInSeqOrder()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output, Settings);
        var sockets = await RouteHubSocketsAsync(session.Page);
        var run = session.Page.EvaluateAsync<JsonElement>(
            """
            async (key) => {
              const { StreamHubClient } = await import("/streamhub-client.js");
              const hub = new StreamHubClient("/hubs/stream", { accessTokenFactory: () => key });
              const seqs = [];
              let text = "", reconnects = 0;
              const request = hub.stream({ prompt: "[emulator: tps=10 tokens=40 reasoning=4] steady" }, {
                onEvent: (e) => { seqs.push(e.seq); if (e.type === "text") text += e.text; window.seen = seqs.length; },
                onReconnecting: () => reconnects++,
              });
              const result = await request.done;
              await hub.stop();
              return { seqs, text, reconnects, finishReason: result.finishReason, usage: result.usage };
            }
            """,
            Key);
        await session.Page.WaitForFunctionAsync("() => window.seen >= 10").WaitAsync(StreamHubServer.Timeout);

        await DropAsync(sockets);

        var result = await run.WaitAsync(StreamHubServer.Timeout);
        var seqs = result.GetProperty("seqs").EnumerateArray().Select(s => s.GetInt64()).ToList();
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(EmulatorText.Text("steady", 40), result.GetProperty("text").GetString());
        Assert.Equal(1, result.GetProperty("reconnects").GetInt32());
        Assert.Equal("stop", result.GetProperty("finishReason").GetString());
        Assert.Equal(JsonValueKind.Object, result.GetProperty("usage").ValueKind);
    }

    [Fact]
    public async Task Client_CancelAfterAResume_EndsTheRequestAndItsUpstreamAtOnce()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output, Settings);
        var sockets = await RouteHubSocketsAsync(session.Page);
        await session.Page.EvaluateAsync(
            """
            async (key) => {
              const { StreamHubClient } = await import("/streamhub-client.js");
              const hub = new StreamHubClient("/hubs/stream", { accessTokenFactory: () => key });
              window.seen = 0;
              window.resumed = false;
              window.request = hub.stream({ prompt: "[emulator: tps=10 tokens=400] a long answer" }, {
                onEvent: () => { window.seen++; },
                onResumed: () => { window.resumed = true; },
              });
            }
            """,
            Key).WaitAsync(StreamHubServer.Timeout);
        await session.Page.WaitForFunctionAsync("() => window.seen >= 3").WaitAsync(StreamHubServer.Timeout);
        await DropAsync(sockets);
        await session.Page.WaitForFunctionAsync("() => window.resumed").WaitAsync(StreamHubServer.Timeout);
        var atResume = await session.Page.EvaluateAsync<int>("() => window.seen").WaitAsync(StreamHubServer.Timeout);
        await session.Page.WaitForFunctionAsync("(n) => window.seen > n", atResume).WaitAsync(StreamHubServer.Timeout);

        var outcome = await session.Page.EvaluateAsync<JsonElement>("async () => { await window.request.cancel(); return await window.request.done; }")
            .WaitAsync(StreamHubServer.Timeout);

        Assert.True(outcome.GetProperty("cancelled").GetBoolean());

        // Fanout:ResumeGrace is 60 s: a cancel that only stopped watching would leave the upstream running that long.
        await session.Server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(2));
        Assert.Single(session.Server.Emulator.State.GetRequests());
    }

    /// <summary>Routes every hub WebSocket through the test; returns each pair (page side, server side) as it opens.</summary>
    private static async Task<ConcurrentQueue<(IWebSocketRoute Page, IWebSocketRoute Server)>> RouteHubSocketsAsync(IPage page)
    {
        var sockets = new ConcurrentQueue<(IWebSocketRoute, IWebSocketRoute)>();
        await page.RouteWebSocketAsync(HubSocket(), socket => sockets.Enqueue((socket, socket.ConnectToServer())))
            .WaitAsync(StreamHubServer.Timeout);
        return sockets;
    }

    /// <summary>Cuts the open socket on both sides, the way a lost network does.</summary>
    private static async Task DropAsync(ConcurrentQueue<(IWebSocketRoute Page, IWebSocketRoute Server)> sockets)
    {
        var (pageSide, serverSide) = sockets.Last();
        await serverSide.CloseAsync().WaitAsync(StreamHubServer.Timeout);
        await pageSide.CloseAsync(new WebSocketRouteCloseOptions { Code = 1011, Reason = "network lost" }).WaitAsync(StreamHubServer.Timeout);
    }

    [GeneratedRegex("/hubs/stream")]
    private static partial Regex HubSocket();
}
