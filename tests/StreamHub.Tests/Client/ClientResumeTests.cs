using System.Text;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.AI;
using StreamHub.Client;
using StreamHub.Emulator;
using StreamHub.Tests.Fanout;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Client;

/// <summary>
/// The client's promise on a network that drops: two StreamHub instances on one real redis-server behind a TCP
/// relay (the load balancer); the relay resets the client's socket mid-answer and sends the reconnect to the
/// other instance, and the caller's <c>await foreach</c> still gets the whole answer, once.
/// </summary>
public sealed class ClientResumeTests : IAsyncLifetime
{
    private const string KeyA = "tenant-a-key-0123456789";
    private RedisServer _redis = null!;
    private StreamHubServer _a = null!;
    private StreamHubServer _b = null!;
    private TcpRelay _relay = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var settings = FanoutTests.TenantSettings();
        settings["Redis:ConnectionString"] = _redis.ConnectionString;
        settings["Redis:ChannelPrefix"] = "c" + Guid.NewGuid().ToString("N")[..8];
        settings["Admission:MaxConcurrentStreams"] = "1";
        _a = await StreamHubServer.StartAsync(settings);
        _b = await StreamHubServer.StartAsync(settings, _a.Emulator);
        _relay = TcpRelay.To(_a.BaseAddress);
    }

    public async Task DisposeAsync()
    {
        await _relay.DisposeAsync();
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task GetStreamingResponse_SocketKilledMidAnswer_ResumesOnTheOtherInstanceWithTheWholeAnswer()
    {
        await using var client = Client();
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var text = new StringBuilder();
        var seqs = new List<long>();

        await foreach (var update in client.GetStreamingResponseAsync("[emulator: tps=40 tokens=60] survive the drop", null, timeout.Token))
        {
            text.Append(update.Text);
            if (update.RawRepresentation is StreamHubEvent { Type: "text" } item)
            {
                seqs.Add(item.Seq);
            }

            if (seqs.Count == 10 && _relay.Accepted.Count == 1)
            {
                _relay.Retarget(_b.BaseAddress);
                _relay.KillAll();
            }
        }

        Assert.Equal(EmulatorText.Text("survive the drop", 60), text.ToString());
        Assert.Equal([_a.BaseAddress.Port, _b.BaseAddress.Port], _relay.Accepted);
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(seqs.Count, seqs.Distinct().Count());
    }

    [Fact]
    public async Task WatchAsync_SocketKilledMidWatch_ResumesOnTheOtherInstanceWithoutGapOrRepeat()
    {
        await using var caller = await _a.ConnectAsync(KeyA);
        var running = caller.StreamAsChannelAsync<string>("Stream", new global::StreamHub.Contracts.StreamRequest { RequestId = "w-drop", Prompt = "[emulator: tps=40 tokens=50] watch me" });
        await using var client = Client();
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);
        var text = new StringBuilder();
        var seqs = new List<long>();

        await foreach (var update in client.WatchAsync("w-drop", 0, timeout.Token))
        {
            text.Append(update.Text);
            if (update.RawRepresentation is StreamHubEvent { Type: "text" } item)
            {
                seqs.Add(item.Seq);
            }

            if (seqs.Count == 8 && _relay.Accepted.Count == 1)
            {
                _relay.Retarget(_b.BaseAddress);
                _relay.KillAll();
            }
        }

        Assert.Equal(EmulatorText.Text("watch me", 50), text.ToString());
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), seqs);
        Assert.Equal([_a.BaseAddress.Port, _b.BaseAddress.Port], _relay.Accepted);
        await running.WaitAsync(StreamHubServer.Timeout);
    }

    [Fact]
    public async Task GetStreamingResponse_SocketKilledWhileQueued_ResumesOnTheOtherInstanceWithTheWholeAnswer()
    {
        var holder = await _a.ConnectAsync(KeyA);
        var held = await holder.StreamAsChannelAsync<string>("Stream", new global::StreamHub.Contracts.StreamRequest { Prompt = "[emulator: tps=10 tokens=1000] hold the pool" });
        await held.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        var queued = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var client = Client(new Progress(p => { if (p.QueuePosition is not null) { queued.TrySetResult(); } }));
        var answer = client.GetResponseAsync("[emulator: tokens=20] wait then drop", new ChatOptions { MaxOutputTokens = 20 });

        await queued.Task.WaitAsync(StreamHubServer.Timeout);
        _relay.Retarget(_b.BaseAddress);
        _relay.KillAll();
        await holder.DisposeAsync(); // frees the pool on A, where the queued request waits without its caller

        var response = await answer.WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(EmulatorText.Text("wait then drop", 20), response.Text);
        Assert.Equal(20, response.Usage!.OutputTokenCount);
        Assert.Equal([_a.BaseAddress.Port, _b.BaseAddress.Port], _relay.Accepted);
    }

    [Fact]
    public async Task GetStreamingResponse_NotResumableAndSocketKilled_ConnectionLost()
    {
        await using var client = new StreamHubChatClient(new StreamHubClientOptions { Url = new Uri(_relay.BaseAddress, "hubs/stream"), ApiKey = KeyA, Resumable = false });
        using var timeout = new CancellationTokenSource(StreamHubServer.Timeout);

        var error = await Assert.ThrowsAsync<StreamHubException>(async () =>
        {
            await foreach (var update in client.GetStreamingResponseAsync("[emulator: tps=40 tokens=60] fragile", null, timeout.Token))
            {
                _relay.KillAll();
            }
        });

        Assert.Equal(StreamHubErrorCodes.ConnectionLost, error.Code);
        await _a.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
    }

    private StreamHubChatClient Client(IProgress<StreamHubProgress>? progress = null) => new(new StreamHubClientOptions
    {
        Url = new Uri(_relay.BaseAddress, "hubs/stream"),
        ApiKey = KeyA,
        ReconnectDelays = [TimeSpan.Zero, TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(500)],
        Progress = progress,
    });

    private sealed class Progress(Action<StreamHubProgress> report) : IProgress<StreamHubProgress>
    {
        public void Report(StreamHubProgress value) => report(value);
    }
}
