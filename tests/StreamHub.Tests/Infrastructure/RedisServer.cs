using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> (Debian's package) on a free loopback port, with no persistence. Missing
/// binary: the test fails and says what to install; it never skips.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private Process? _process;

    private RedisServer(int port) => Port = port;

    public int Port { get; }

    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync()
    {
        var server = new RedisServer(FreePort());
        await server.RestartAsync();
        return server;
    }

    /// <summary>Starts (again) on the same port.</summary>
    public async Task RestartAsync()
    {
        var binary = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        try
        {
            _process = Process.Start(new ProcessStartInfo(binary,
                $"--port {Port} --bind 127.0.0.1 --save \"\" --appendonly no --protected-mode no --loglevel warning")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException(
                "redis-server is missing (not at /usr/bin/redis-server, not on PATH): sudo apt-get install -y redis-server, or run bash .ci/run, which installs it", ex);
        }

        await Waits.EventuallyAsync(AcceptsConnectionsAsync, $"redis-server to listen on port {Port}", TimeSpan.FromSeconds(10));
    }

    /// <summary>Each channel under <paramref name="prefix"/> that has subscribers, with how many (PUBSUB CHANNELS and NUMSUB).</summary>
    public async Task<Dictionary<string, long>> SubscriptionsAsync(string prefix)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(ConnectionString).WaitAsync(Waits.Timeout);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var subscriptions = new Dictionary<string, long>();
        foreach (var channel in await server.SubscriptionChannelsAsync(RedisChannel.Pattern(prefix + "*")).WaitAsync(Waits.Timeout))
        {
            subscriptions[channel.ToString()] = await server.SubscriptionSubscriberCountAsync(channel).WaitAsync(Waits.Timeout);
        }

        return subscriptions;
    }

    /// <summary>
    /// Waits until every channel in <paramref name="before"/> has its subscribers again: clients resubscribe
    /// after reconnecting, a little after the connection itself is back.
    /// </summary>
    public Task WaitForSubscriptionsAsync(IReadOnlyDictionary<string, long> before, string prefix)
    {
        Assert.True(before.Count > 0, $"no channel under {prefix} had subscribers: there is nothing to wait for");
        return Waits.EventuallyAsync(
            async () =>
            {
                var now = await SubscriptionsAsync(prefix);
                return before.All(b => now.TryGetValue(b.Key, out var count) && count >= b.Value);
            },
            $"the {before.Count} channel subscriptions under {prefix} to be restored");
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
