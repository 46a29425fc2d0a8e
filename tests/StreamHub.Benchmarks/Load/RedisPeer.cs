using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// The redis-server of a <c>hub-redis</c> phase (Debian's package, on a free loopback port, no persistence),
/// started with the peer and stopped with it, and what it ran: <c>INFO commandstats</c> (commands inside scripts
/// included) and its own CPU.
/// </summary>
internal sealed class RedisPeer : IAsyncDisposable
{
    private readonly ChildProcess _process;
    private readonly ConnectionMultiplexer _admin;

    private RedisPeer(ChildProcess process, ConnectionMultiplexer admin, int port)
    {
        _process = process;
        _admin = admin;
        ConnectionString = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}");
    }

    public string ConnectionString { get; }

    public int Pid => _process.Pid;

    public static async Task<RedisPeer> StartAsync(string logPath)
    {
        var binary = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : "redis-server";
        var port = FreePort.Next();
        ChildProcess process;
        try
        {
            process = ChildProcess.StartExecutable(
                binary,
                ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"],
                Path.GetTempPath(),
                logPath);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("redis-server is missing: sudo apt-get install -y redis-server", e);
        }

        try
        {
            await WaitListeningAsync(port, TimeSpan.FromSeconds(10));
            var admin = await ConnectionMultiplexer.ConnectAsync(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port},allowAdmin=true"));
            return new RedisPeer(process, admin, port);
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>Calls per command so far (<c>INFO commandstats</c>), and the server's CPU seconds.</summary>
    public async Task<(SortedDictionary<string, long> Calls, double? CpuSeconds)> ReadAsync()
    {
        var calls = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var server = _admin.GetServer(_admin.GetEndPoints()[0]);
        foreach (var group in await server.InfoAsync("commandstats"))
        {
            foreach (var entry in group)
            {
                // cmdstat_xadd: calls=123,usec=456,...
                if (entry.Key.StartsWith("cmdstat_", StringComparison.Ordinal))
                {
                    var first = entry.Value.Split(',')[0];
                    calls[entry.Key["cmdstat_".Length..]] = long.Parse(first["calls=".Length..], CultureInfo.InvariantCulture);
                }
            }
        }

        return (calls, ProcSample.Read(Pid)?.CpuSeconds);
    }

    /// <summary>What ran between two readings, per delivered token; this runner's own <c>INFO</c> calls left out.</summary>
    public static RedisUsage Between(
        (SortedDictionary<string, long> Calls, double? CpuSeconds) before, (SortedDictionary<string, long> Calls, double? CpuSeconds) after, long tokens)
    {
        var perToken = new SortedDictionary<string, double>(StringComparer.Ordinal);
        long total = 0;
        foreach (var (command, calls) in after.Calls)
        {
            var delta = calls - before.Calls.GetValueOrDefault(command);
            if (command == "info" || delta == 0)
            {
                continue;
            }

            total += delta;
            perToken[command] = tokens == 0 ? 0 : Math.Round((double)delta / tokens, 4);
        }

        return new RedisUsage
        {
            Commands = total,
            CommandsPerToken = tokens == 0 ? null : Math.Round((double)total / tokens, 4),
            PerTokenByCommand = perToken,
            ServerCpuMicrosPerToken = after.CpuSeconds - before.CpuSeconds is { } cpu && tokens > 0 ? Math.Round(cpu * 1e6 / tokens, 2) : null,
        };
    }

    public async ValueTask DisposeAsync()
    {
        await _admin.DisposeAsync();
        await _process.DisposeAsync();
    }

    private static async Task WaitListeningAsync(int port, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }
        }
    }
}
