using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using StreamHub.Admission;
using StreamHub.Benchmarks.Load;
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
    private RedisPeer _redis = null!;
    private IHost _instance = null!;
    private IHost _cluster = null!;
    private (ITenantLimits Tenants, IStreamAdmission Admission) _local;
    private (ITenantLimits Tenants, IStreamAdmission Admission) _shared;

    [GlobalSetup]
    public void Setup()
    {
        // The runner's own redis-server: a free port, and ready once it answers (no guessed wait).
        _redis = RedisPeer.StartAsync(Path.Combine(Path.GetTempPath(), "streamhub-bench-redis.log")).GetAwaiter().GetResult();
        _instance = Start(_redis.ConnectionString, "Instance");
        _cluster = Start(_redis.ConnectionString, "Cluster");
        _local = (_instance.Services.GetRequiredService<ITenantLimits>(), _instance.Services.GetRequiredService<IStreamAdmission>());
        _shared = (_cluster.Services.GetRequiredService<ITenantLimits>(), _cluster.Services.GetRequiredService<IStreamAdmission>());
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _cluster.StopAsync().GetAwaiter().GetResult();
        _cluster.Dispose();
        _instance.Dispose();
        _redis.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }

    [Benchmark(Baseline = true)]
    public Task Instance() => AdmitAsync(_local);

    [Benchmark]
    public Task Cluster() => AdmitAsync(_shared);

    private static IHost Start(string redis, string scope)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis,
            ["Redis:ChannelPrefix"] = "bench",
            ["Admission:Scope"] = scope,
            ["Admission:MaxConcurrentStreams"] = "100000",
        });
        builder.Services.AddLogging();
        builder.Services.AddOptions<RedisSettings>().BindConfiguration(RedisSettings.Section);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var configuration = ConfigurationOptions.Parse(redis);
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
