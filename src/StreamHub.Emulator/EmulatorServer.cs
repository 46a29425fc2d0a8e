using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace StreamHub.Emulator;

/// <summary>
/// The emulator on its own Kestrel listener, for StreamHub's default run and for tests. It reads no
/// configuration files or environment variables, so a host's settings (URLs, Kestrel endpoints, log levels)
/// never leak into it.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _disposed;

    private EmulatorServer(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        State = app.Services.GetRequiredService<EmulatorState>();
    }

    /// <summary>The root, e.g. <c>http://127.0.0.1:41234/</c>; the OpenAI base URL is this plus <c>v1</c>.</summary>
    public Uri BaseAddress { get; }

    public EmulatorState State { get; }

    /// <summary>Starts Kestrel on <paramref name="url"/> (an http URL with an IP or localhost; port 0 picks a free one).</summary>
    /// <exception cref="OptionsValidationException">The options are invalid.</exception>
    public static async Task<EmulatorServer> StartAsync(
        EmulatorOptions? options = null, string url = "http://127.0.0.1:0", CancellationToken ct = default)
    {
        options ??= new EmulatorOptions();
        var validation = new EmulatorOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(EmulatorOptions), validation.Failures);
        }

        var endpoint = ParseEndpoint(url);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(endpoint));

        // A gateway opening thousands of streams at once overflows Kestrel's default accept backlog (512).
        builder.WebHost.UseSockets(sockets => sockets.Backlog = 4096);
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = TimeSpan.FromSeconds(5));
        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddEmulatorCore();

        var app = builder.Build();
        app.MapEmulator();
        try
        {
            await app.StartAsync(ct);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new EmulatorServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>Stops the listener; open streams are cut (the client sees an aborted connection). Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await _app.StopAsync();
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private static IPEndPoint ParseEndpoint(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"Expected an http URL such as http://127.0.0.1:0, got '{url}'.", nameof(url));
        }

        var host = uri.Host.Trim('[', ']');
        var address = host.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback
            : IPAddress.TryParse(host, out var ip) ? ip
            : throw new ArgumentException($"The emulator binds an IP address or localhost, not '{uri.Host}'.", nameof(url));
        return new IPEndPoint(address, uri.Port);
    }
}
