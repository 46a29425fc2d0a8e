using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Streaming;
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
            await using var connection = new HubConnectionBuilder()
                .WithUrl(address + "/hubs/stream", o => o.Transports = HttpTransportType.WebSockets)
                .Build();
            await connection.StartAsync().WaitAsync(StreamHubServer.Timeout);
            var region = new TaskCompletionSource<string>();
            connection.On<string, string>(nameof(IStreamClient.Started), (_, r) => region.TrySetResult(r));

            var tokens = await HubStreamingTests.ReadAllAsync(connection, new StreamRequest { Prompt = "hello from the default run", MaxTokens = 8 });

            Assert.Equal(EmulatorText.Text("hello from the default run", 8), string.Concat(tokens));
            Assert.Equal("emulator", await region.Task.WaitAsync(StreamHubServer.Timeout));
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
