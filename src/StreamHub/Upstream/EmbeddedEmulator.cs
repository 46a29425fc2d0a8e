using System.Net.Sockets;
using Microsoft.Extensions.Options;
using StreamHub.Emulator;

namespace StreamHub.Upstream;

/// <summary>
/// The emulator StreamHub hosts when no region is configured, so the default run needs no key and no
/// network. It is the <c>emulator</c> region (<see cref="AddWhenNoRegion"/>, a post-configure step of the
/// <c>Upstream</c> settings), started as a hosted service on loopback port 0: the app's hosted services
/// start before Kestrel's server, so it answers before StreamHub serves. The region's connections go to
/// wherever it listens (<see cref="ConnectAsync"/>), which is known only once it has started.
/// </summary>
internal sealed class EmbeddedEmulator(
    IOptions<UpstreamOptions> upstream,
    IOptions<EmulatorOptions> settings,
    ILogger<EmbeddedEmulator> logger) : IHostedService, IAsyncDisposable
{
    public const string RegionName = "emulator";

    /// <summary>A name rather than an address: the port is chosen when the emulator starts.</summary>
    public const string BaseUrl = "http://emulator.localhost/v1";

    private EmulatorServer? _server;

    /// <summary>The running emulator; null before start and after stop.</summary>
    public EmulatorServer? Server => Volatile.Read(ref _server);

    /// <summary>Makes the embedded emulator the one region when the settings name none.</summary>
    public static void AddWhenNoRegion(UpstreamOptions options)
    {
        if (options.Regions.Count == 0)
        {
            options.Regions.Add(new RegionOptions { Name = RegionName, BaseUrl = BaseUrl, Embedded = true });
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!upstream.Value.Regions.Exists(static r => r.Embedded))
        {
            return;
        }

        var server = await EmulatorServer.StartAsync(settings.Value, ct: cancellationToken);
        Volatile.Write(ref _server, server);
        logger.LogInformation(
            "No Upstream:Regions configured: the embedded emulator answers at {Address}", new Uri(server.BaseAddress, "v1"));
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _server, null) is { } server)
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Opens a connection to the running emulator: the emulator region's handler connects through this.</summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var address = Server?.BaseAddress ?? throw new HttpRequestException("the embedded emulator is not running");
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(address.DnsSafeHost, address.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
