using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;
using StreamHub.Identity;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;

namespace StreamHub.Tests.Streaming;

/// <summary>The hub's pump on a fake clock: a reader that stops reading is let go at the limit, and its request with it.</summary>
public sealed class StreamPumpTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly RecordingTimeProvider _time = new();
    private readonly ActiveRequests _requests;
    private readonly StreamPump _pump;
    private readonly Channel<string> _buffer = Channel.CreateBounded<string>(2);

    public StreamPumpTests()
    {
        _requests = new ActiveRequests(_time);
        _pump = new StreamPump(
            _requests,
            Options.Create(new StreamingOptions { StalledReaderTimeout = Limit }),
            Options.Create(new UpstreamOptions { Timeouts = { Total = TimeSpan.FromMinutes(10) } }),
            _time,
            NullLogger<StreamPump>.Instance);
    }

    [Fact]
    public async Task PumpRequest_CallerStopsReading_EndsWithAbortedAndEndsTheRequestAtTheLimit()
    {
        using var caller = new CancellationTokenSource();
        var active = Register("r", caller.Token);

        var pumping = Pump(active, caller.Token);
        await _time.WaitUntilArmedAsync(Limit);
        _time.Advance(Limit - TimeSpan.FromMilliseconds(1));
        Assert.False(pumping.IsCompleted);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await pumping.WaitAsync(Waits.Timeout);

        var error = await Assert.ThrowsAsync<HubException>(() => DrainAsync());
        Assert.StartsWith("aborted: the caller stopped reading (its stream stayed full for 60 s)", error.Message, StringComparison.Ordinal);
        Assert.Equal(ErrorCodes.Aborted, active.AbortReason?.Code);
        Assert.True(active.Token.IsCancellationRequested);
    }

    [Fact]
    public async Task PumpRequest_TotalRunsOutWhileTheCallerIsNotReading_EndsWithUpstreamTimeout()
    {
        using var caller = new CancellationTokenSource();
        var active = Register("t", caller.Token);
        active.Admitted();
        _time.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(5));

        var pumping = Pump(active, caller.Token);
        await _time.WaitUntilArmedAsync(TimeSpan.FromSeconds(5));
        _time.Advance(TimeSpan.FromSeconds(5));
        await pumping.WaitAsync(Waits.Timeout);

        var error = await Assert.ThrowsAsync<HubException>(() => DrainAsync());
        Assert.Equal("upstream_timeout: the answer exceeded the total limit of 600 s while the caller was not reading", error.Message);
        Assert.Equal(ErrorCodes.UpstreamTimeout, active.AbortReason?.Code);
    }

    [Fact]
    public async Task PumpWatch_WatcherStopsReading_EndsWithAbortedAtTheLimit()
    {
        var events = Channel.CreateBounded<StreamEvent>(2);
        var pumping = _pump.PumpWatchAsync(Endless(CancellationToken.None), events.Writer, new ConnectionCounter(), CancellationToken.None);

        await _time.WaitUntilArmedAsync(Limit);
        _time.Advance(Limit);
        await pumping.WaitAsync(Waits.Timeout);

        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            await foreach (var _ in events.Reader.ReadAllAsync().WithCancellation(CancellationToken.None))
            {
            }
        });
        Assert.StartsWith("aborted: the watcher stopped reading", error.Message, StringComparison.Ordinal);
    }

    private ActiveRequest Register(string id, CancellationToken callerToken)
    {
        var request = new CompletionRequest(id, [new ChatMessage("user", "hi")], null, null, null, null, null, Resumable: true);
        return _requests.Register(request, Caller.ForTenant("t", Priority.Normal), Priority.Normal, TimeSpan.FromMinutes(1), callerToken);
    }

    private Task Pump(ActiveRequest active, CancellationToken callerToken)
        => _pump.PumpRequestAsync(Endless(active.Token), _buffer.Writer, static e => e.Text, active.Key, new ConnectionCounter(), callerToken);

    private async Task DrainAsync()
    {
        await foreach (var _ in _buffer.Reader.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
        }
    }

    /// <summary>An upstream that never ends: as many text events as the reader will take.</summary>
    private static async IAsyncEnumerable<CompletionEvent> Endless([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var seq = 1L; ; seq++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            yield return CompletionEvent.TextOf("w") with { Seq = seq };
        }
    }
}
