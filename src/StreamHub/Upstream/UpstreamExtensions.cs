using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;
using StreamHub.Emulator;
using StreamHub.Validation;

namespace StreamHub.Upstream;

internal static class UpstreamExtensions
{
    /// <summary>
    /// The regions, one pooled <c>HttpClient</c> each (set for long streams), the upstream client and its
    /// resilience. No region configured: the embedded emulator becomes the one region and starts, as a
    /// hosted service, before the app serves, so the default run needs no key and no network. Registers
    /// only: nothing starts and no setting is read until the host builds and starts.
    /// </summary>
    public static IHostApplicationBuilder AddUpstream(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSettings<UpstreamOptions, UpstreamOptionsValidator>(UpstreamOptions.Section);
        builder.Services.PostConfigure<UpstreamOptions>(EmbeddedEmulator.AddWhenNoRegion);
        builder.Services.AddEmulatorSettings();
        builder.Services.AddSingleton<EmbeddedEmulator>();
        builder.Services.AddHostedService(static services => services.GetRequiredService<EmbeddedEmulator>());

        builder.Services.AddHttpClient();
        builder.Services.AddSingleton<IConfigureOptions<HttpClientFactoryOptions>, UpstreamHttpClients>();
        builder.Services.AddSingleton<SecretScrubber>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<UpstreamOptions>>().Value;
            var time = sp.GetRequiredService<TimeProvider>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("StreamHub.Upstream.Regions");
            return new RegionSelector([.. options.Regions.Select(r => new UpstreamRegion(r, options.CircuitBreaker, time, logger))]);
        });
        builder.Services.AddSingleton(sp => new ModelCatalog(
            sp.GetRequiredService<IOptions<UpstreamOptions>>().Value, sp.GetRequiredService<RegionSelector>()));
        builder.Services.AddSingleton<UpstreamClient>();
        builder.Services.AddHostedService<ConnectionPoolCheck>();
        builder.Services.AddHostedService<PlainHttpRegionCheck>();
        return builder;
    }

    /// <summary>
    /// The pooled <c>HttpClient</c> of one region, set exactly as the app sets it. For the tests, which drive
    /// <see cref="UpstreamClient"/> over the handler the app uses without the app's settings.
    /// </summary>
    public static IHttpClientBuilder AddUpstreamHttpClient(this IServiceCollection services, RegionOptions region, TimeSpan connect)
    {
        // Without IHttpClientFactory's two logging handlers: every request paid for a log scope and two log checks
        // (1.9 % of StreamHub's CPU with 20-token answers, BENCHMARKS.md) for lines this app sets to Warning, and
        // their request URI would carry a region's Query values; UpstreamLog logs each attempt, scrubbed.
        var client = services.AddHttpClient(UpstreamHttpClients.Prefix + region.Name).RemoveAllLoggers();
        var maxConnections = region.MaxConnections;
        services.Configure<HttpClientFactoryOptions>(client.Name, o => UpstreamHttpClients.Apply(o, maxConnections, connect, connectCallback: null));
        return client;
    }
}
