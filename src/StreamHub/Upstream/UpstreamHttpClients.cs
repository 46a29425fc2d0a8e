using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace StreamHub.Upstream;

/// <summary>
/// Each region's pooled <c>HttpClient</c> (<c>upstream:&lt;name&gt;</c>), set for long streams, configured from
/// the validated <c>Upstream</c> settings when the factory first builds it, so registration need not read
/// the regions from configuration.
/// </summary>
internal sealed class UpstreamHttpClients(IOptions<UpstreamOptions> upstream, EmbeddedEmulator emulator)
    : IConfigureNamedOptions<HttpClientFactoryOptions>
{
    public const string Prefix = "upstream:";

    public void Configure(string? name, HttpClientFactoryOptions options)
    {
        if (name is null || !name.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return;
        }

        var settings = upstream.Value;
        foreach (var region in settings.Regions)
        {
            if (name.AsSpan(Prefix.Length).Equals(region.Name, StringComparison.Ordinal))
            {
                Apply(options, region.MaxConnections, settings.Timeouts.Connect, region.Embedded ? emulator.ConnectAsync : null);
                return;
            }
        }
    }

    public void Configure(HttpClientFactoryOptions options) => Configure(Options.DefaultName, options);

    /// <summary>The settings of one region's client; <paramref name="connect"/> bounds opening a connection.</summary>
    internal static void Apply(
        HttpClientFactoryOptions options,
        int maxConnections,
        TimeSpan connect,
        Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>>? connectCallback)
    {
        // Streams last minutes: the per-stream timeouts are ours (first token, idle, total).
        options.HttpClientActions.Add(static client => client.Timeout = Timeout.InfiniteTimeSpan);
        options.HttpMessageHandlerBuilderActions.Add(builder => builder.PrimaryHandler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
            ConnectTimeout = connect,
            ConnectCallback = connectCallback,
            EnableMultipleHttp2Connections = true,
            AutomaticDecompression = System.Net.DecompressionMethods.None,
            UseCookies = false,

            // Disposing an unfinished response must close the connection at once (ending the upstream
            // request), not drain it for seconds in the hope of reusing it.
            MaxResponseDrainSize = 0,
        });

        // The handler owns its connection lifetime; the factory must not rotate it under a stream.
        options.HandlerLifetime = Timeout.InfiniteTimeSpan;
    }
}
