using Microsoft.Extensions.Options;
using StreamHub.Emulator;
using StreamHub.Validation;

namespace StreamHub.Upstream;

internal static class UpstreamExtensions
{
    /// <summary>
    /// The regions, one pooled <c>HttpClient</c> each (set for long streams), the upstream client and its
    /// resilience. No region configured: the embedded emulator is started on loopback and becomes the
    /// one region, so the default run needs no key and no network.
    /// </summary>
    public static IHostApplicationBuilder AddUpstream(this IHostApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetSection(UpstreamOptions.Section).Get<UpstreamOptions>() ?? new UpstreamOptions();
        if (configured.Regions.Count == 0)
        {
            var emulator = EmulatorServer.StartAsync(
                builder.Configuration.GetSection(EmulatorOptions.SectionName).Get<EmulatorOptions>()).GetAwaiter().GetResult();
            builder.Services.AddSingleton(emulator);
            builder.Services.AddHostedService<EmbeddedEmulatorLifetime>();
            builder.Configuration["Upstream:Regions:0:Name"] = "emulator";
            builder.Configuration["Upstream:Regions:0:BaseUrl"] = new Uri(emulator.BaseAddress, "v1").ToString();
            configured = builder.Configuration.GetSection(UpstreamOptions.Section).Get<UpstreamOptions>()!;
        }

        builder.Services.AddSettings<UpstreamOptions, UpstreamOptionsValidator>(UpstreamOptions.Section);
        builder.Services.AddSingleton<SecretScrubber>();
        builder.Services.AddSingleton(TimeProvider.System);

        foreach (var region in configured.Regions)
        {
            builder.Services.AddUpstreamHttpClient(region, configured.Timeouts.Connect);
        }

        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("StreamHub.Upstream.Regions");
            return new RegionSelector([.. options.Regions.Select(r => new UpstreamRegion(r, options.CircuitBreaker, time, logger))]);
        });
        builder.Services.AddSingleton<UpstreamClient>();
        builder.Services.AddHostedService<ConnectionPoolCheck>();
        return builder;
    }

    /// <summary>
    /// The pooled <c>HttpClient</c> of one region, set for long streams. Shared with the tests, so they drive
    /// <see cref="UpstreamClient"/> over exactly the handler the app uses.
    /// </summary>
    public static IHttpClientBuilder AddUpstreamHttpClient(this IServiceCollection services, RegionOptions region, TimeSpan connect)
    {
        var maxConnections = region.MaxConnections;
        return services.AddHttpClient("upstream:" + region.Name, client =>
            {
                // Streams last minutes: the per-stream timeouts are ours (first token, idle, total).
                client.Timeout = Timeout.InfiniteTimeSpan;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                MaxConnectionsPerServer = maxConnections,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
                ConnectTimeout = connect,
                EnableMultipleHttp2Connections = true,
                AutomaticDecompression = System.Net.DecompressionMethods.None,
                UseCookies = false,
                // Disposing an unfinished response must close the connection at once (ending the
                // upstream request), not drain it for seconds in the hope of reusing it.
                MaxResponseDrainSize = 0,
            })
            // The handler owns its connection lifetime; the factory must not rotate it under a stream.
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
    }

    /// <summary>Stops the embedded emulator with the app.</summary>
    private sealed class EmbeddedEmulatorLifetime(EmulatorServer emulator) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StopAsync(CancellationToken cancellationToken) => await emulator.DisposeAsync();
    }
}
