using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>The default run: no region configured, no key, no Redis — the embedded emulator answers.</summary>
public sealed class DefaultRunTests
{
    [Fact]
    public async Task Stream_NoRegionConfigured_StreamsFromTheEmbeddedEmulatorAnonymously()
    {
        var app = Program.BuildApp(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning", "--Emulator:TokensPerSecond=500"]);
        await app.StartAsync().WaitAsync(StreamHubServer.Timeout);
        try
        {
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
            await using var caller = await HubCaller.ConnectAsync(new Uri(address + "/hubs/stream"));

            var tokens = await caller.ReadAllAsync(new StreamRequest { RequestId = "default-1", Prompt = "hello from the default run", MaxTokens = 8 });

            Assert.Equal(EmulatorText.Text("hello from the default run", 8), string.Concat(tokens));
            Assert.Equal("emulator", await caller.StartedAsync("default-1"));
            using var http = new HttpClient();
            var page = await http.GetStringAsync(address + "/").WaitAsync(StreamHubServer.Timeout);
            Assert.Contains("StreamHub", page, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync().WaitAsync(StreamHubServer.Timeout);
            await app.DisposeAsync();
        }
    }
}
