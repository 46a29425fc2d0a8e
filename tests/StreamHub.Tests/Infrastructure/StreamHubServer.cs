using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Emulator;
using StreamHub.Streaming;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// The real StreamHub app on a loopback Kestrel (port 0), pointed at a real emulator on another loopback
/// port unless the settings name regions of their own.
/// </summary>
public sealed class StreamHubServer : IAsyncDisposable
{
    /// <summary>The suite's one default bound (<see cref="Waits.Timeout"/>), under the name most tests know.</summary>
    public static readonly TimeSpan Timeout = Waits.Timeout;

    private readonly WebApplication _app;
    private readonly bool _ownsEmulator;

    private StreamHubServer(WebApplication app, EmulatorServer emulator, bool ownsEmulator, Uri baseAddress)
    {
        _app = app;
        Emulator = emulator;
        _ownsEmulator = ownsEmulator;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public Uri HubUrl => new(BaseAddress, "hubs/stream");

    public EmulatorServer Emulator { get; }

    public IServiceProvider Services => _app.Services;

    public static EmulatorOptions FastEmulator() => new()
    {
        FirstTokenDelay = TimeSpan.FromMilliseconds(5),
        TokensPerSecond = 500,
        DefaultMaxTokens = 12,
    };

    public static async Task<StreamHubServer> StartAsync(
        IDictionary<string, string?>? settings = null,
        EmulatorServer? emulator = null,
        EmulatorOptions? emulatorOptions = null)
    {
        var ownsEmulator = emulator is null;
        emulator ??= await EmulatorServer.StartAsync(emulatorOptions ?? FastEmulator());
        var all = new Dictionary<string, string?>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Upstream:Regions:0:Name"] = "primary",
            ["Upstream:Regions:0:BaseUrl"] = new Uri(emulator.BaseAddress, "v1").ToString(),

            // A configured region closes anonymous access unless it is turned on; the tests' callers all come from
            // 127.0.0.1, so the limits anonymous callers share per address are off unless a test sets them.
            ["Identity:AllowAnonymous"] = "true",
            ["Identity:AnonymousLimits:RequestsPerMinute"] = "",
            ["Identity:AnonymousLimits:TokensPerMinute"] = "",
            ["Identity:AnonymousLimits:MaxConcurrentStreams"] = "",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var args = all.Where(p => p.Value is not null).Select(p => $"--{p.Key}={p.Value}").ToArray();
        var app = Program.BuildApp(args);
        await app.StartAsync().WaitAsync(Timeout);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        return new StreamHubServer(app, emulator, ownsEmulator, new Uri(address.TrimEnd('/') + "/"));
    }

    /// <summary>An official .NET SignalR client over WebSockets, started (JSON, or MessagePack only).</summary>
    public Task<HubConnection> ConnectAsync(string? apiKey = null, bool messagePack = false)
        => HubCaller.OpenConnectionAsync(HubUrl, apiKey, messagePack);

    /// <summary>An HTTP client for this server, bounded by <see cref="Waits.Timeout"/>, sending <paramref name="bearer"/> when given.</summary>
    public HttpClient CreateHttpClient(string? bearer = null, HttpMessageHandler? handler = null)
    {
        var http = new HttpClient(handler ?? new SocketsHttpHandler()) { BaseAddress = BaseAddress, Timeout = Waits.Timeout };
        if (bearer is not null)
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return http;
    }

    /// <summary>Waits until the emulator serves no stream, or fails after <paramref name="within"/> (1 s by default).</summary>
    public Task AssertUpstreamIdleAsync(TimeSpan? within = null)
        => Waits.EventuallyAsync(() => Emulator.State.OpenStreams == 0, "the emulator to serve no stream", within ?? TimeSpan.FromSeconds(5));

    /// <summary>
    /// Waits until no request is in flight (none queued, none streaming, every admission permit back) and
    /// the emulator serves no stream: what a freshly started server looks like to the next test.
    /// </summary>
    public Task WaitUntilQuietAsync()
    {
        var requests = Services.GetRequiredService<ActiveRequests>();
        return Waits.EventuallyAsync(
            () => requests.Count == 0 && Emulator.State.OpenStreams == 0,
            "the previous test's requests to end (StreamHub and the emulator quiet)");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().WaitAsync(Timeout);
        await _app.DisposeAsync();
        if (_ownsEmulator)
        {
            await Emulator.DisposeAsync();
        }
    }
}
