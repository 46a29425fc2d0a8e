using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;
using StreamHub.Admission;
using StreamHub.Admission.Cluster;
using StreamHub.Fanout;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>
/// Cluster admission alone (no web app) in a host whose clock is a <see cref="RecordingTimeProvider"/>: heartbeats
/// and queue timeouts happen when the test advances it. Redis is real, and so is its clock inside the scripts.
/// </summary>
internal sealed class ClusterNode : IAsyncDisposable
{
    private readonly IHost _host;
    private int _beats;

    private ClusterNode(IHost host, RecordingTimeProvider time)
    {
        _host = host;
        Time = time;
    }

    public RecordingTimeProvider Time { get; }

    public IStreamAdmission Admission => _host.Services.GetRequiredService<IStreamAdmission>();

    public ClusterLink Link => _host.Services.GetRequiredService<ClusterLink>();

    public ClusterMember Member => Link.Member;

    public static async Task<ClusterNode> StartAsync(RedisServer redis, string prefix, int pool, int expected = 1, params (string Key, string Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Redis:ConnectionString"] = redis.ConnectionString,
            ["Redis:ChannelPrefix"] = prefix,
            ["Admission:Scope"] = "Cluster",
            ["Admission:MaxConcurrentStreams"] = pool.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Admission:BackpressureThreshold"] = "1",
            ["Admission:MaxQueueWait"] = "00:00:30",
            ["Admission:AgingInterval"] = "00:00:20",
            ["Admission:LeaseTimeout"] = "00:00:02",
            ["Admission:ExpectedInstances"] = expected.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(settings);
        var time = new RecordingTimeProvider();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddLogging();
        builder.Services.AddOptions<RedisSettings>().BindConfiguration(RedisSettings.Section);
        builder.Services.AddSingleton<IConnectionMultiplexer>(_ =>
        {
            var configuration = ConfigurationOptions.Parse(redis.ConnectionString);
            configuration.AbortOnConnectFail = false;
            configuration.BacklogPolicy = BacklogPolicy.FailFast;
            configuration.ConnectTimeout = 2000;
            configuration.ReconnectRetryPolicy = new LinearRetry(200);
            configuration.ChannelPrefix = RedisChannel.Literal(prefix + ":");
            return ConnectionMultiplexer.Connect(configuration);
        });
        builder.AddAdmission();
        var host = builder.Build();
        await host.StartAsync().WaitAsync(StreamHubServer.Timeout);
        return new ClusterNode(host, time);
    }

    /// <summary>One heartbeat: once the loop waits on the clock again, advancing it by an interval lets it beat once.</summary>
    public async Task BeatAsync()
    {
        await Time.WaitForTimersAsync(Member.HeartbeatInterval, ++_beats);
        Time.Advance(Member.HeartbeatInterval);
    }

    /// <summary>Beats until <paramref name="condition"/> holds (each beat waits for Redis in real time, bounded).</summary>
    public Task BeatUntilAsync(Func<bool> condition, string what) => Waits.EventuallyAsync(
        async () =>
        {
            if (condition())
            {
                return true;
            }

            await BeatAsync();
            return false;
        },
        what);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync().WaitAsync(StreamHubServer.Timeout);
        _host.Dispose();
    }
}
