using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>
/// Settings and helpers for cluster admission tests: StreamHub instances (in-process on their own Kestrels, or
/// child processes) on one real redis-server, all pointed at one real emulator so it sees every upstream stream.
/// </summary>
internal static class ClusterKit
{
    /// <summary>Tenant "a", critical tier: its requests may ask for any priority.</summary>
    public const string KeyA = "cluster-a-key-0123456789";

    /// <summary>Tenant "b", critical tier.</summary>
    public const string KeyB = "cluster-b-key-0123456789";

    /// <summary>Tenant "one", at most one stream at a time.</summary>
    public const string KeyOne = "cluster-one-key-0123456789";

    public const string AdminKey = "cluster-admin-key-0123456789";

    /// <summary>A stream that holds its permit until canceled.</summary>
    public const string Hold = "[emulator: tps=4 tokens=400] hold";

    public static Dictionary<string, string?> Settings(RedisServer redis, int pool, string lease = "00:00:02", int expected = 1) => new()
    {
        ["Admin:ApiKey"] = AdminKey,
        ["Tenants:0:Name"] = "a",
        ["Tenants:0:ApiKey"] = KeyA,
        ["Tenants:0:Tier"] = "Critical",
        ["Tenants:1:Name"] = "b",
        ["Tenants:1:ApiKey"] = KeyB,
        ["Tenants:1:Tier"] = "Critical",
        ["Tenants:2:Name"] = "one",
        ["Tenants:2:ApiKey"] = KeyOne,
        ["Tenants:2:MaxConcurrentStreams"] = "1",
        ["Redis:ConnectionString"] = redis.ConnectionString,
        ["Redis:ChannelPrefix"] = "c" + Guid.NewGuid().ToString("N")[..8],
        ["Admission:Scope"] = "Cluster",
        ["Admission:MaxConcurrentStreams"] = pool.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Admission:BackpressureThreshold"] = "1",
        ["Admission:MaxQueueWait"] = "00:01:00",
        ["Admission:AgingInterval"] = "00:00:50",
        ["Admission:LeaseTimeout"] = lease,
        ["Admission:ExpectedInstances"] = expected.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Fanout:ResumeGrace"] = "00:00:30",
        ["Streaming:MaxStreamsPerConnection"] = "1000",
    };

    /// <summary>Instances sharing <paramref name="settings"/> and one emulator.</summary>
    public static async Task<StreamHubServer[]> StartAsync(int count, Dictionary<string, string?> settings, EmulatorServer emulator)
    {
        var servers = new StreamHubServer[count];
        for (var i = 0; i < count; i++)
        {
            servers[i] = await StreamHubServer.StartAsync(settings, emulator);
        }

        return servers;
    }

    public static AdmissionSnapshot Snapshot(StreamHubServer server) => server.Services.GetRequiredService<IStreamAdmission>().Snapshot();

    public static Task EventuallyAsync(Func<bool> condition, string what) => Waits.EventuallyAsync(condition, what);

    /// <summary>How many entries the cluster's hash <paramref name="name"/> holds in Redis (<c>held</c> permits, <c>w</c> waiters, <c>tl</c> tenant leases).</summary>
    public static Task<long> CountInRedisAsync(StreamHubServer server, string name)
    {
        var prefix = server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StreamHub.Fanout.RedisSettings>>().Value.ChannelPrefix;
        var redis = server.Services.GetRequiredService<StackExchange.Redis.IConnectionMultiplexer>().GetDatabase();
        return redis.HashLengthAsync($"{{{prefix}:admission}}:{name}");
    }

    public static StreamRequest Request(string id, string prompt, Priority priority = Priority.Normal, int? maxTokens = 3, bool resumable = false) => new()
    {
        RequestId = id,
        Prompt = prompt,
        Priority = priority.ToString().ToLowerInvariant(),
        MaxTokens = maxTokens,
        Resumable = resumable ? true : null,
    };

    public static Task<ChannelReader<string>> StreamAsync(HubConnection connection, StreamRequest request, CancellationToken cancellationToken = default)
        => connection.StreamAsChannelAsync<string>("Stream", request, cancellationToken).WaitAsync(StreamHubServer.Timeout, CancellationToken.None);

    /// <summary>Reads a stream to its end, or to its error or cancellation, without throwing; returns the text.</summary>
    public static async Task<string> DrainAsync(ChannelReader<string> reader)
    {
        var text = new System.Text.StringBuilder();
        try
        {
            while (await reader.WaitToReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout))
            {
                while (reader.TryRead(out var token))
                {
                    text.Append(token);
                }
            }
        }
        catch (Exception ex) when (ex is Microsoft.AspNetCore.SignalR.HubException or OperationCanceledException)
        {
        }

        return text.ToString();
    }
}
