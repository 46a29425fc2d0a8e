using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admin;

/// <summary>Keys, settings and small clients shared by the admin and observability tests.</summary>
internal static class AdminTestKit
{
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string TenantKey = "tenant-key-0123456789abcdef";
    public const string Slow = "[emulator: tps=5 tokens=1000] hold a slot";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>An admin key, one tenant ("acme", high tier) and the extra settings of a test.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = AdminKey,
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = TenantKey,
            ["Tenants:0:Tier"] = "High",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    public static HttpClient Http(StreamHubServer server, string? key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = server.BaseAddress, Timeout = StreamHubServer.Timeout };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public static async Task<T> GetJsonAsync<T>(this HttpClient http, string path)
        => (await http.GetFromJsonAsync<T>(path, Json).WaitAsync(StreamHubServer.Timeout))!;

    /// <summary>Polls <paramref name="condition"/> until it holds, or fails after the standard timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + StreamHubServer.Timeout;
        while (!await condition().WaitAsync(StreamHubServer.Timeout))
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting: " + what);
            await Task.Delay(20);
        }
    }

    public static Task EventuallyAsync(Func<bool> condition, string what) => EventuallyAsync(() => Task.FromResult(condition()), what);

    public static Task<List<string>> ReadToEndAsync(ChannelReader<string> reader) => Streams.ReadToEndAsync(reader);
}

/// <summary>A hub connection that records its Queued, Started and Usage callbacks by request id.</summary>
internal sealed class HubCaller : IAsyncDisposable
{
    private readonly HubConnection _connection;
    private readonly ConcurrentDictionary<string, TaskCompletionSource<int>> _queued = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _started = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<UsageReport>> _usage = new();

    private HubCaller(HubConnection connection)
    {
        _connection = connection;
        connection.On<string, int>(nameof(IStreamClient.Queued), (id, position) => Tcs(_queued, id).TrySetResult(position));
        connection.On<string, string>(nameof(IStreamClient.Started), (id, region) => Tcs(_started, id).TrySetResult(region));
        connection.On<string, UsageReport>(nameof(IStreamClient.Usage), (id, usage) => Tcs(_usage, id).TrySetResult(usage));
    }

    public static async Task<HubCaller> ConnectAsync(StreamHubServer server, string? key = null) => new(await server.ConnectAsync(key));

    public Task<ChannelReader<string>> StartAsync(StreamRequest request, CancellationToken cancellationToken = default)
        => _connection.StreamAsChannelAsync<string>("Stream", request, cancellationToken).WaitAsync(StreamHubServer.Timeout, CancellationToken.None);

    public Task<int> QueuedAsync(string id) => Tcs(_queued, id).Task.WaitAsync(StreamHubServer.Timeout);

    public Task<string> StartedAsync(string id) => Tcs(_started, id).Task.WaitAsync(StreamHubServer.Timeout);

    public Task<UsageReport> UsageAsync(string id) => Tcs(_usage, id).Task.WaitAsync(StreamHubServer.Timeout);

    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    private static TaskCompletionSource<T> Tcs<T>(ConcurrentDictionary<string, TaskCompletionSource<T>> map, string id)
        => map.GetOrAdd(id, _ => new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously));
}
