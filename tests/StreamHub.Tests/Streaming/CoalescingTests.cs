using System.Threading.Channels;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

public sealed class CoalescingTests
{
    private static readonly TimeSpan Timeout = Waits.Timeout;

    [Fact]
    public async Task TryRead_SeveralTokensQueued_ReturnsThemAsOneItemInOrder()
    {
        var channel = Channel.CreateUnbounded<string>();
        var reader = new CoalescingReader(channel.Reader, TimeSpan.Zero, TimeProvider.System);
        await channel.Writer.WriteAsync("a");
        await channel.Writer.WriteAsync(" b");
        await channel.Writer.WriteAsync(" c");

        Assert.True(await reader.WaitToReadAsync().AsTask().WaitAsync(Timeout));
        Assert.True(reader.TryRead(out var item));
        Assert.Equal("a b c", item);
        Assert.False(reader.TryRead(out _));
    }

    [Fact]
    public async Task WaitToReadAsync_WithAWindow_WaitsTheWindowAfterTheFirstToken()
    {
        var time = new RecordingTimeProvider();
        var channel = Channel.CreateUnbounded<string>();
        var reader = new CoalescingReader(channel.Reader, TimeSpan.FromMilliseconds(20), time);
        await channel.Writer.WriteAsync("a");

        var waiting = reader.WaitToReadAsync().AsTask();
        await channel.Writer.WriteAsync(" b");
        await time.WaitUntilArmedAsync(TimeSpan.FromMilliseconds(20));
        Assert.False(waiting.IsCompleted);
        time.Advance(TimeSpan.FromMilliseconds(20));

        Assert.True(await waiting.WaitAsync(Timeout));
        Assert.True(reader.TryRead(out var item));
        Assert.Equal("a b", item);
    }

    [Fact]
    public async Task Stream_CoalesceWindowSet_FewerItemsSameText()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?> { ["Streaming:CoalesceWindow"] = "00:00:00.050" });
        await using var connection = await server.ConnectAsync();

        var items = await Streams.ReadAllAsync(connection, new StreamRequest { Prompt = "[emulator: tps=400 tokens=60] burst", MaxTokens = 60 });

        Assert.Equal(EmulatorText.Text("burst", 60), string.Concat(items));
        Assert.True(items.Count < 30, $"expected coalesced items, got {items.Count} for 60 tokens");
    }
}
