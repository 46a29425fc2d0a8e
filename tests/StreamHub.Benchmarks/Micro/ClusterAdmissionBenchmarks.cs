using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Fanout;

namespace StreamHub.Benchmarks.Micro;

/// <summary>
/// What admission adds before a request's first token: its tenant's limits, then a permit from a free pool, with
/// <c>Admission:Scope=Instance</c> (in process) and <c>Cluster</c> (two scripts against a redis-server on
/// loopback, started here). Both leases are then returned; the cluster's returns are two more scripts, sent
/// without waiting, as the pipeline sends them.
/// </summary>
[MemoryDiagnoser]
public class ClusterAdmissionBenchmarks
{
    private readonly AdmissionTicket _ticket = new("r", "tenant", Priority.Normal);
    private Process _redis = null!;
    private IHost _instance = null!;
    private IHost _cluster = null!;
    private (ITenantLimits Tenants, IStreamAdmission Admission) _local;
    private (ITenantLimits Tenants, IStreamAdmission Admission) _shared;

    [GlobalSetup]
    public void Setup()
    {
        var port = FreePort();
        _redis = Process.Start(new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no --loglevel warning")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
        })!;
        Thread.Sleep(500);
        _instance = Start(port, "Instance");
        _cluster = Start(port, "Cluster");
        _local = (_instance.Services.GetRequiredService<ITenantLimits>(), _instance.Services.GetRequiredService<IStreamAdmission>());
        _shared = (_cluster.Services.GetRequiredService<ITenantLimits>(), _cluster.Services.GetRequiredService<IStreamAdmission>());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cluster.StopAsync().GetAwaiter().GetResult();
        _cluster.Dispose();
        _instance.Dispose();
        _redis.Kill();
        _redis.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task Instance() => AdmitAsync(_local);

    [Benchmark]
    public Task Cluster() => AdmitAsync(_shared);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static IHost Start(int port, string scope)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = $"127.0.0.1:{port}",
            ["Redis:ChannelPrefix"] = "bench",
            ["Admission:Scope"] = scope,
            ["Admission:MaxConcurrentStreams"] = "100000",
        });
        builder.Services.AddLogging();
        builder.Services.AddOptions<RedisSettings>().BindConfiguration(RedisSettings.Section);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var configuration = ConfigurationOptions.Parse($"127.0.0.1:{port}");
            configuration.ChannelPrefix = RedisChannel.Literal("bench:");
            return ConnectionMultiplexer.Connect(configuration);
        });
        builder.AddAdmission();
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        return host;
    }

    private async Task AdmitAsync((ITenantLimits Tenants, IStreamAdmission Admission) admission)
    {
        using var tenant = await admission.Tenants.AcquireAsync("tenant", TenantLimitSettings.Unlimited, 600, CancellationToken.None);
        using var lease = await admission.Admission.AcquireAsync(_ticket);
    }
}
