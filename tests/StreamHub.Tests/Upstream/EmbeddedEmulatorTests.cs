using Microsoft.Extensions.DependencyInjection;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Upstream;

/// <summary>The default run's emulator is a hosted service: registering the app starts nothing and rewrites no setting.</summary>
public sealed class EmbeddedEmulatorTests
{
    [Fact]
    public async Task BuildApp_NoRegion_EmulatorStartsWithTheHostAndStopsWithIt()
    {
        var app = Program.BuildApp(["--urls=http://127.0.0.1:0", "--Logging:LogLevel:Default=Warning"]);
        var emulator = app.Services.GetRequiredService<EmbeddedEmulator>();
        try
        {
            Assert.Null(emulator.Server);
            Assert.Null(app.Configuration["Upstream:Regions:0:BaseUrl"]);

            await app.StartAsync().WaitAsync(StreamHubServer.Timeout);

            Assert.NotNull(emulator.Server);
            var region = Assert.Single(app.Services.GetRequiredService<RegionSelector>().Regions);
            Assert.Equal(EmbeddedEmulator.RegionName, region.Name);
            Assert.Null(app.Configuration["Upstream:Regions:0:BaseUrl"]);
        }
        finally
        {
            await app.StopAsync().WaitAsync(StreamHubServer.Timeout);
            await app.DisposeAsync();
        }

        Assert.Null(emulator.Server);
    }

    [Fact]
    public async Task StartAsync_RegionsConfigured_EmbeddedEmulatorStaysOff()
    {
        await using var server = await StreamHubServer.StartAsync();

        Assert.Null(server.Services.GetRequiredService<EmbeddedEmulator>().Server);
        Assert.Equal("primary", Assert.Single(server.Services.GetRequiredService<RegionSelector>().Regions).Name);
    }
}
