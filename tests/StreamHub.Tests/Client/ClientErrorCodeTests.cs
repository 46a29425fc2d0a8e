using System.Net.Http.Headers;
using Microsoft.Extensions.AI;
using StreamHub.Client;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Client;

/// <summary>Every contract code StreamHub can be driven to produce arrives as <see cref="StreamHubException.Code"/>.</summary>
public sealed class ClientErrorCodeTests : IAsyncLifetime
{
    private const string Key = "tenant-key-0123456789abcdef";
    private const string OtherKey = "other-key-0123456789abcdef";
    private const string LimitedKey = "limited-key-0123456789abcdef";
    private const string AdminKey = "admin-key-0123456789abcdef";
    private const string Slow = "[emulator: tps=10 tokens=1000] hold on";
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
    {
        ["Admin:ApiKey"] = AdminKey,
        ["Identity:AllowAnonymous"] = "false",
        ["Tenants:0:Name"] = "acme",
        ["Tenants:0:ApiKey"] = Key,
        ["Tenants:1:Name"] = "other",
        ["Tenants:1:ApiKey"] = OtherKey,
        ["Tenants:2:Name"] = "limited",
        ["Tenants:2:ApiKey"] = LimitedKey,
        ["Tenants:2:RequestsPerMinute"] = "1",
        ["Upstream:Retry:MaxAttempts"] = "1",
        ["Upstream:Timeouts:Idle"] = "00:00:00.5",
        ["Upstream:CircuitBreaker:FailureThreshold"] = "100",
    });

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetResponse_TemperatureOutOfRange_InvalidRequest()
    {
        var error = await FailAsync(Key, new ChatOptions { Temperature = 5 });

        Assert.Equal(StreamHubErrorCodes.InvalidRequest, error.Code);
        Assert.Contains("temperature", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not-a-known-key-0123456789")]
    [InlineData(null)]
    public async Task GetResponse_UnknownOrMissingKey_Unauthorized(string? key)
    {
        var error = await FailAsync(key);

        Assert.Equal(StreamHubErrorCodes.Unauthorized, error.Code);
    }

    [Fact]
    public async Task GetResponse_OperatorKeyOnTheHub_Forbidden()
    {
        var error = await FailAsync(AdminKey);

        Assert.Equal(StreamHubErrorCodes.Forbidden, error.Code);
    }

    [Fact]
    public async Task WatchAsync_AnotherTenantsRequest_InvalidRequestAsIfNoneRan()
    {
        await using var owner = Client(OtherKey);
        await owner.GetResponseAsync("mine", new ChatOptions { MaxOutputTokens = 2, AdditionalProperties = new() { ["requestId"] = "theirs" } })
            .WaitAsync(StreamHubServer.Timeout);
        await using var client = Client(Key);

        var error = await Assert.ThrowsAsync<StreamHubException>(() => ReadAllAsync(client.WatchAsync("theirs")));

        // Request ids are each tenant's own: another tenant's is answered as an id nobody runs, revealing nothing.
        Assert.Equal(StreamHubErrorCodes.InvalidRequest, error.Code);
    }

    [Fact]
    public async Task GetResponse_OverRequestsPerMinute_RateLimitedWithRetryAfter()
    {
        await using var client = Client(LimitedKey);
        await client.GetResponseAsync("one", new ChatOptions { MaxOutputTokens = 2 }).WaitAsync(StreamHubServer.Timeout);

        var error = await Assert.ThrowsAsync<StreamHubException>(() => client.GetResponseAsync("two").WaitAsync(StreamHubServer.Timeout));

        Assert.Equal(StreamHubErrorCodes.RateLimited, error.Code);
        Assert.InRange(error.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData("[emulator: status=500] fail", StreamHubErrorCodes.UpstreamError)]
    [InlineData("[emulator: status=503] fail", StreamHubErrorCodes.UpstreamUnavailable)]
    [InlineData("[emulator: drop-after=3] fail", StreamHubErrorCodes.UpstreamInterrupted)]
    [InlineData("[emulator: stall-after=2] fail", StreamHubErrorCodes.UpstreamTimeout)]
    public async Task GetStreamingResponse_UpstreamFails_CodeOfTheFailure(string prompt, string code)
    {
        await using var client = Client(Key);

        var error = await Assert.ThrowsAsync<StreamHubException>(() => ReadAllAsync(client.GetStreamingResponseAsync(prompt)));

        Assert.Equal(code, error.Code);
    }

    [Fact]
    public async Task GetStreamingResponse_OperatorAborts_Aborted()
    {
        await using var client = Client(Key);
        await using var updates = client.GetStreamingResponseAsync(Slow).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(StreamHubServer.Timeout));
        using var admin = new HttpClient { BaseAddress = _server.BaseAddress };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);

        using var abort = await admin.DeleteAsync($"admin/requests/{updates.Current.ResponseId}").WaitAsync(StreamHubServer.Timeout);

        Assert.True(abort.IsSuccessStatusCode, abort.StatusCode.ToString());
        var error = await Assert.ThrowsAsync<StreamHubException>(async () =>
        {
            while (await updates.MoveNextAsync().AsTask().WaitAsync(StreamHubServer.Timeout))
            {
            }
        });
        Assert.Equal(StreamHubErrorCodes.Aborted, error.Code);
    }

    [Fact]
    public async Task GetStreamingResponse_PoolAndQueueFull_QueueFullThenQueueTimeout()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
        {
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = Key,
            ["Admission:MaxConcurrentStreams"] = "1",
            ["Admission:QueueLimits:Normal"] = "1",
            ["Admission:MaxQueueWait"] = "00:00:01.5",
            ["Admission:AgingInterval"] = "00:00:00.5",
        }, _server.Emulator);
        var queued = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = new StreamHubChatClient(new StreamHubClientOptions
        {
            Url = server.HubUrl,
            ApiKey = Key,
            Priority = "normal",
            Progress = new Progress(p => { if (p.QueuePosition == 1) { queued.TrySetResult(p.RequestId); } }),
        });
        using var hold = new CancellationTokenSource();
        await using var holding = client.GetStreamingResponseAsync(Slow, null, hold.Token).GetAsyncEnumerator(hold.Token);
        Assert.True(await holding.MoveNextAsync().AsTask().WaitAsync(StreamHubServer.Timeout));
        var waiting = ReadAllAsync(client.GetStreamingResponseAsync("wait in line"));
        await queued.Task.WaitAsync(StreamHubServer.Timeout);

        var full = await Assert.ThrowsAsync<StreamHubException>(() => ReadAllAsync(client.GetStreamingResponseAsync("one too many")));
        var timedOut = await Assert.ThrowsAsync<StreamHubException>(() => waiting);

        Assert.Equal(StreamHubErrorCodes.QueueFull, full.Code);
        Assert.NotNull(full.RetryAfter);
        Assert.Equal(StreamHubErrorCodes.QueueTimeout, timedOut.Code);
        await hold.CancelAsync();
    }

    [Fact]
    public async Task GetStreamingResponse_InstanceStops_ShuttingDown()
    {
        var server = await StreamHubServer.StartAsync(new Dictionary<string, string?> { ["Tenants:0:Name"] = "acme", ["Tenants:0:ApiKey"] = Key }, _server.Emulator);
        await using var client = new StreamHubChatClient(new StreamHubClientOptions { Url = server.HubUrl, ApiKey = Key });
        await using var updates = client.GetStreamingResponseAsync(Slow).GetAsyncEnumerator();
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(StreamHubServer.Timeout));

        var stopping = server.DisposeAsync().AsTask();

        var error = await Assert.ThrowsAsync<StreamHubException>(async () =>
        {
            while (await updates.MoveNextAsync().AsTask().WaitAsync(StreamHubServer.Timeout))
            {
            }
        });
        Assert.Equal(StreamHubErrorCodes.ShuttingDown, error.Code);
        await stopping.WaitAsync(StreamHubServer.Timeout);
    }

    [Fact]
    public async Task GetResponse_NothingListens_ConnectionLost()
    {
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var client = new StreamHubChatClient(new Uri($"http://127.0.0.1:{port}/hubs/stream"), Key);

        var error = await Assert.ThrowsAsync<StreamHubException>(() => client.GetResponseAsync("anyone?").WaitAsync(StreamHubServer.Timeout));

        Assert.Equal(StreamHubErrorCodes.ConnectionLost, error.Code);
    }

    private StreamHubChatClient Client(string? key) => new(new StreamHubClientOptions { Url = _server.HubUrl, ApiKey = key });

    private async Task<StreamHubException> FailAsync(string? key, ChatOptions? options = null)
    {
        await using var client = Client(key);
        return await Assert.ThrowsAsync<StreamHubException>(() => client.GetResponseAsync("hello", options).WaitAsync(StreamHubServer.Timeout));
    }

    private static async Task<List<ChatResponseUpdate>> ReadAllAsync(IAsyncEnumerable<ChatResponseUpdate> updates)
    {
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var all = new List<ChatResponseUpdate>();
        await foreach (var update in updates.WithCancellation(timeout.Token))
        {
            all.Add(update);
        }

        return all;
    }

    private sealed class Progress(Action<StreamHubProgress> report) : IProgress<StreamHubProgress>
    {
        public void Report(StreamHubProgress value) => report(value);
    }
}
