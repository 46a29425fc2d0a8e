using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>How long a full stream buffer is waited on, on a fake clock: a reader that stops reading is let go at the limit, not before.</summary>
public sealed class ReaderStallTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new();
    private readonly Channel<string> _buffer = Channel.CreateBounded<string>(1);

    public ReaderStallTests() => Assert.True(_buffer.Writer.TryWrite("full"));

    [Fact]
    public async Task WaitForRoom_ReaderReadsJustBeforeTheLimit_Room()
    {
        var waiting = Wait(totalLeft: null);

        _time.Advance(Limit - TimeSpan.FromMilliseconds(1));
        Assert.False(waiting.IsCompleted);
        Assert.True(_buffer.Reader.TryRead(out _));

        Assert.Equal(ReaderStall.Outcome.Room, await waiting.WaitAsync(Waits.Timeout));
    }

    [Fact]
    public async Task WaitForRoom_BufferFullForTheLimit_Stalled()
    {
        var waiting = Wait(totalLeft: null);

        _time.Advance(Limit);

        Assert.Equal(ReaderStall.Outcome.Stalled, await waiting.WaitAsync(Waits.Timeout));
    }

    [Fact]
    public async Task WaitForRoom_TotalRunsOutBeforeTheLimit_TotalElapsed()
    {
        var waiting = Wait(totalLeft: TimeSpan.FromSeconds(5));

        _time.Advance(TimeSpan.FromSeconds(4));
        Assert.False(waiting.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(ReaderStall.Outcome.TotalElapsed, await waiting.WaitAsync(Waits.Timeout));
    }

    [Fact]
    public async Task WaitForRoom_TotalAlreadyOver_TotalElapsedAtOnce()
    {
        var waiting = Wait(totalLeft: TimeSpan.FromSeconds(-1));

        _time.Advance(TimeSpan.Zero);

        Assert.Equal(ReaderStall.Outcome.TotalElapsed, await waiting.WaitAsync(Waits.Timeout));
    }

    [Fact]
    public async Task WaitForRoom_RequestEndsMeanwhile_RequestEnded()
    {
        using var request = new CancellationTokenSource();
        var waiting = Wait(totalLeft: null, request.Token);

        await request.CancelAsync();

        Assert.Equal(ReaderStall.Outcome.RequestEnded, await waiting.WaitAsync(Waits.Timeout));
    }

    [Fact]
    public async Task WaitForRoom_CallerCancels_Throws()
    {
        using var caller = new CancellationTokenSource();
        var waiting = ReaderStall.WaitForRoomAsync(_buffer.Writer, Limit, null, _time, CancellationToken.None, caller.Token).AsTask();

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting.WaitAsync(Waits.Timeout));
    }

    private Task<ReaderStall.Outcome> Wait(TimeSpan? totalLeft, CancellationToken request = default)
        => ReaderStall.WaitForRoomAsync(_buffer.Writer, Limit, totalLeft, _time, request, CancellationToken.None).AsTask();
}
