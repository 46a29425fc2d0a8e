using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Fanout;

public sealed class InMemoryWatchStoreTests
{
    private static readonly TimeSpan Timeout = Waits.Timeout;
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task WatchAsync_FinishedBufferPastWatchExpiry_IsGone()
    {
        var store = Store(new FanoutOptions { WatchExpiry = TimeSpan.FromSeconds(60) });
        Finish(store, "a", tokens: 3);

        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal(3, (await ReadAsync(store, "a")).Count);
        _time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<StreamHubException>(() => ReadAsync(store, "a"));
        Assert.Equal(ErrorCodes.InvalidRequest, error.Code);
        Assert.Equal(0, store.RetainedTokens);
    }

    [Fact]
    public async Task WatchAsync_BuffersFinishedAtDifferentTimes_EachExpiresOnItsOwnTimeOnTheOneTimer()
    {
        var store = Store(new FanoutOptions { WatchExpiry = TimeSpan.FromSeconds(60) });
        Finish(store, "early", tokens: 2);
        _time.Advance(TimeSpan.FromSeconds(30));
        Finish(store, "late", tokens: 2);

        _time.Advance(TimeSpan.FromSeconds(30));
        await Assert.ThrowsAsync<StreamHubException>(() => ReadAsync(store, "early"));
        Assert.Equal(2, (await ReadAsync(store, "late")).Count);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(2, (await ReadAsync(store, "late")).Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        await Assert.ThrowsAsync<StreamHubException>(() => ReadAsync(store, "late"));
        Assert.Equal(0, store.RetainedTokens);
    }

    [Fact]
    public async Task Complete_OverTheRetentionBudget_DropsTheOldestFinishedFirst()
    {
        var store = Store(new FanoutOptions { WatchRetainedTokens = 10 });
        var running = store.Open("live", "t");
        running.Append(Text(1, "x"));

        Finish(store, "first", tokens: 6);
        Finish(store, "second", tokens: 6);
        Finish(store, "third", tokens: 6);

        Assert.Equal(6, store.RetainedTokens);
        await Assert.ThrowsAsync<StreamHubException>(() => ReadAsync(store, "first"));
        await Assert.ThrowsAsync<StreamHubException>(() => ReadAsync(store, "second"));
        Assert.Equal(6, (await ReadAsync(store, "third")).Count);
        running.Complete(null);
        Assert.Single(await ReadAsync(store, "live"));
    }

    [Fact]
    public async Task WatchAsync_Live_ReplaysThenTailsThenEnds()
    {
        var store = Store(new FanoutOptions());
        var writer = store.Open("r", "t");
        writer.Append(Text(1, "a"));
        writer.Append(Text(2, "b"));

        var reading = ReadAsync(store, "r", afterSeq: 1);
        writer.Append(Text(3, "c"));
        writer.Complete(null);

        Assert.Equal([Text(2, "b"), Text(3, "c")], await reading.WaitAsync(Timeout));
    }

    [Fact]
    public async Task WatchAsync_BufferLongerThanWatchMaxLength_ResumesFromTheOldestKept()
    {
        var store = Store(new FanoutOptions { WatchMaxLength = 10 });
        Finish(store, "long", tokens: 25);

        var items = await ReadAsync(store, "long");

        Assert.InRange(items.Count, 9, 10);
        Assert.Equal(25, items[^1].Seq);
        Assert.Equal(Enumerable.Range((int)items[0].Seq, items.Count).Select(i => (long)i), items.Select(i => i.Seq));
    }

    [Fact]
    public async Task WatchAsync_SameIdTwoTenants_EachReadsOnlyItsOwnBuffer()
    {
        var store = Store(new FanoutOptions());
        var mine = store.Open("same", "a");
        var theirs = store.Open("same", "b");
        mine.Append(Text(1, "a's"));
        theirs.Append(Text(1, "b's"));
        mine.Complete(null);
        theirs.Complete(null);

        Assert.Equal([Text(1, "a's")], await ReadAsync(store, "same", tenant: "a"));
        Assert.Equal([Text(1, "b's")], await ReadAsync(store, "same", tenant: "b"));
        var outsider = await Assert.ThrowsAsync<StreamHubException>(() => ReadAsync(store, "same", tenant: "c"));
        Assert.Equal(ErrorCodes.InvalidRequest, outsider.Code);
    }

    [Fact]
    public async Task Discard_RefusedRequest_WaitingWatcherLearnsTheCodeAndNothingIsKept()
    {
        var store = Store(new FanoutOptions());
        var writer = store.Open("refused", "t");
        var waiting = ReadAsync(store, "refused");

        writer.Discard(ErrorCodes.QueueTimeout);

        var seen = await Assert.ThrowsAsync<StreamHubException>(() => waiting.WaitAsync(Timeout));
        Assert.Equal(ErrorCodes.QueueTimeout, seen.Code);
        var later = await Assert.ThrowsAsync<StreamHubException>(() => ReadAsync(store, "refused"));
        Assert.Equal(ErrorCodes.InvalidRequest, later.Code);
        Assert.Equal(0, store.RetainedTokens);
    }

    private static CompletionEvent Text(long seq, string text) => CompletionEvent.TextOf(text) with { Seq = seq };

    private InMemoryWatchStore Store(FanoutOptions options) => new(Options.Create(options), _time);

    private static void Finish(InMemoryWatchStore store, string id, int tokens)
    {
        var writer = store.Open(id, "t");
        for (var i = 1; i <= tokens; i++)
        {
            writer.Append(Text(i, "w" + i));
        }

        writer.Complete(null);
    }

    private static async Task<List<CompletionEvent>> ReadAsync(InMemoryWatchStore store, string id, long afterSeq = 0, string tenant = "t")
    {
        var items = new List<CompletionEvent>();
        await foreach (var item in store.WatchAsync(id, tenant, afterSeq, CancellationToken.None).WithCancellation(CancellationToken.None))
        {
            items.Add(item);
        }

        return items;
    }
}
