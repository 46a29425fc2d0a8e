using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Fanout.FanoutTestKit;

namespace StreamHub.Tests.Fanout;

/// <summary>
/// A group member or a watcher that never reads (a raw WebSocket client with a tiny receive buffer) never slows the
/// request or anyone else: the caller and a reading member get every token, and the member that stopped reading is
/// let go once it falls <c>Fanout:GroupBuffer</c> (4,096) messages behind, past what its socket buffers hold. The
/// upstream is a canned provider sending 20,000 tokens of 1 KB at 5,000 a second, so that what a stalled member's
/// socket can hold is soon full while a reading member keeps up on a loaded machine.
/// </summary>
public sealed class SlowMemberTests : IAsyncLifetime
{
    private const int Tokens = 20_000;
    private static readonly string Token = new('x', 1000);
    private WebApplication _provider = null!;
    private StreamHubServer _server = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _provider = builder.Build();
        _provider.MapPost("/v1/chat/completions", static async (HttpContext http) =>
        {
            http.Response.ContentType = "text/event-stream";
            var chunk = $"data: {{\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"{Token}\"}}}}]}}\n\n";
            for (var i = 0; i < Tokens; i += 50)
            {
                for (var j = 0; j < 50; j++)
                {
                    await http.Response.WriteAsync(chunk, http.RequestAborted);
                }

                await http.Response.Body.FlushAsync(http.RequestAborted);

                // The provider's own pace: 50 tokens every 10 ms.
                await Task.Delay(10, http.RequestAborted);
            }

            await http.Response.WriteAsync("data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n", http.RequestAborted);
        });
        await _provider.StartAsync().WaitAsync(Waits.Timeout);
        var address = _provider.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var settings = TenantSettings();
        settings["Upstream:Regions:0:BaseUrl"] = address + "/v1";
        _server = await StreamHubServer.StartAsync(settings);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _provider.StopAsync().WaitAsync(Waits.Timeout);
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Stream_GroupMemberStopsReading_CallerAndTheOtherMemberGetEverythingAndTheStalledOneIsLetGo()
    {
        await using var stalled = await NonReadingClient.ConnectAsync(_server.HubUrl, KeyA);
        await stalled.InvokeAsync("JoinGroup", "\"flood\"");
        await using var member = await HubCaller.ConnectAsync(_server, KeyA);
        await member.JoinGroupAsync("flood");
        await using var caller = await _server.ConnectAsync(KeyA);

        var tokens = await Streams.ReadAllAsync(caller, new StreamRequest { RequestId = "flood-1", Prompt = "flood", Group = "flood" });

        Assert.Equal(Tokens, tokens.Count);
        var (seqs, text, code) = await member.GroupCompletedAsync("flood-1");
        Assert.Null(code);
        Assert.Equal(Enumerable.Range(1, Tokens).Select(i => (long)i), seqs);
        Assert.Equal(string.Concat(tokens), text);

        // The member that never read was closed when it fell behind: reading now, it finds the end of its connection.
        Assert.Null(await stalled.TryReadUntilAsync(static m => m.Contains("GroupCompleted", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Stream_WatcherStopsReading_CallerGetsEverything()
    {
        await using var caller = await _server.ConnectAsync(KeyA);
        var reader = await caller.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "flood-2", Prompt = "flood" }).WaitAsync(Waits.Timeout);
        await reader.ReadAsync().AsTask().WaitAsync(Waits.Timeout);
        await using var stalled = await NonReadingClient.ConnectAsync(_server.HubUrl, KeyA);

        await stalled.StreamAsync("Watch", "\"flood-2\",0");
        var rest = await Streams.ReadToEndAsync(reader);

        Assert.Equal(Tokens, 1 + rest.Count);
    }
}
