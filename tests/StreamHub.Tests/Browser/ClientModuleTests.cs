using System.Text.Json;
using StreamHub.Tests.Infrastructure;
using Xunit.Abstractions;

namespace StreamHub.Tests.Browser;

/// <summary>streamhub-client.js on its own in Chromium: errors with their contract code and "retry in N s" as a number; stop.</summary>
[Collection(BrowserCollection.Name)]
public sealed class ClientModuleTests(ChromiumBrowser chromium, ITestOutputHelper output)
{
    private const string Key = "tenant-a-key-0123456789";

    [Fact]
    public async Task Client_RateLimited_RejectsWithCodeAndRetryAfter()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output, new Dictionary<string, string?>
        {
            ["Tenants:0:Name"] = "a",
            ["Tenants:0:ApiKey"] = Key,
            ["Tenants:0:RequestsPerMinute"] = "1",
        });

        var failure = await session.Page.EvaluateAsync<JsonElement>(
            """
            async (key) => {
              const { StreamHubClient, StreamHubError } = await import("/streamhub-client.js");
              const hub = new StreamHubClient("/hubs/stream", { accessTokenFactory: () => key });
              await hub.stream({ prompt: "first" }).done;
              try {
                await hub.stream({ prompt: "second" }).done;
                return null;
              } catch (e) {
                return { isStreamHubError: e instanceof StreamHubError, code: e.code, retryAfter: e.retryAfter, sentence: e.sentence };
              } finally {
                await hub.stop();
              }
            }
            """,
            Key).WaitAsync(StreamHubServer.Timeout);

        Assert.True(failure.GetProperty("isStreamHubError").GetBoolean());
        Assert.Equal("rate_limited", failure.GetProperty("code").GetString());
        var sentence = failure.GetProperty("sentence").GetString()!;
        var retryAfter = failure.GetProperty("retryAfter").GetDouble();
        Assert.InRange(retryAfter, 1, 60);
        Assert.EndsWith($"retry in {retryAfter} s", sentence, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_WrongKey_RejectsWithUnauthorized()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output, new Dictionary<string, string?>
        {
            ["Tenants:0:Name"] = "a",
            ["Tenants:0:ApiKey"] = Key,
            ["Identity:AllowAnonymous"] = "false",
        });

        var code = await session.Page.EvaluateAsync<string>(
            """
            async () => {
              const { StreamHubClient } = await import("/streamhub-client.js");
              const hub = new StreamHubClient("/hubs/stream", { accessTokenFactory: () => "not-a-key" });
              return await hub.stream({ prompt: "hello" }).done.then(() => "ok", (e) => e.code);
            }
            """).WaitAsync(StreamHubServer.Timeout);

        Assert.Equal("unauthorized", code);
    }

    [Fact]
    public async Task Client_StopMidAnswer_CancelsTheRequestAndItsUpstream()
    {
        await using var session = await BrowserSession.OpenAsync(chromium, output);

        var outcome = await session.Page.EvaluateAsync<JsonElement>(
            """
            async () => {
              const { StreamHubClient } = await import("/streamhub-client.js");
              const hub = new StreamHubClient("/hubs/stream");
              let first;
              const started = new Promise((resolve) => { first = resolve; });
              const request = hub.stream({ prompt: "[emulator: tps=10 tokens=400] long" }, { onEvent: () => first() });
              await started;
              await hub.stop();
              return await request.done;
            }
            """).WaitAsync(StreamHubServer.Timeout);

        Assert.True(outcome.GetProperty("cancelled").GetBoolean());
        await session.Server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(1));
    }
}
