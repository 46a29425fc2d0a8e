using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Fanout;

/// <summary>
/// The Redis watch store on a fake clock against a real redis-server: events go out in batches, at most
/// <see cref="WatchKeys.FlushDelay"/> after the first, the end at once; only instances that asked are woken; idle
/// writers and watchers cost Redis nothing until the one shared sweep, which also covers a lost notification; every key
/// it writes has an expiry from its first moment.
/// </summary>
public sealed class RedisWatchStoreTests(RedisWatchStoreTests.Redis shared) : IClassFixture<RedisWatchStoreTests.Redis>, IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new();
    private readonly string _prefix = "w" + Guid.NewGuid().ToString("N")[..8];
    private RedisWatchStore _store = null!;

    public Task InitializeAsync()
    {
        _store = new RedisWatchStore(
            shared.Multiplexer,
            Options.Create(new FanoutOptions { WatchExpiry = TimeSpan.FromSeconds(60) }),
            Options.Create(new RedisSettings { ConnectionString = shared.Server.ConnectionString, ChannelPrefix = _prefix }),
            _time,
            NullLogger<RedisWatchStore>.Instance);
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task WatchAsync_IdleWatchers_SendRedisNothingUntilTheSharedSweep()
    {
        _store.Open("quiet", "t");
        var watchers = Enumerable.Range(0, 20).Select(_ => ReadAsync("quiet")).ToList();
        await Waits.EventuallyAsync(async () => await CallsAsync("xread") >= 40, "every watcher to catch up");
        var before = await SettledCallsAsync("xread");

        // Real time on purpose: a poll on the real clock (what each watcher used to do every 250 ms) shows only as
        // time passes; 20 watchers would have read 80 times in this second.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(before, await CallsAsync("xread"));

        _time.Advance(WatchKeys.Housekeeping);
        await Waits.EventuallyAsync(async () => await CallsAsync("xread") >= before + 20, "the sweep to wake every watcher once");
        Assert.Equal(before + 20, await CallsAsync("xread"));
        Assert.All(watchers, w => Assert.False(w.IsCompleted));
    }

    [Fact]
    public async Task WatchAsync_NotificationLost_TheSharedSweepDeliversTheEvent()
    {
        var writer = _store.Open("lost", "t");
        writer.Append(Text(1, "one"));
        _time.Advance(WatchKeys.FlushDelay);
        var before = await CallsAsync("xread");
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = ReadAsync("lost", until: 2, onItem: () => first.TrySetResult());
        await first.Task.WaitAsync(Waits.Timeout);

        // Its first read finds "one", the second nothing new (then it asks), the third follows the writer's answer.
        await Waits.EventuallyAsync(async () => await CallsAsync("xread") >= before + 3, "the watcher to catch up and be answered");

        // Written behind the store's back: no notification is published.
        await Db.StreamAddAsync(Key("lost"), WatchEntry.Encode(Text(2, "two")));
        Assert.False(reading.IsCompleted);
        _time.Advance(WatchKeys.Housekeeping);

        Assert.Equal(["one", "two"], (await reading.WaitAsync(Waits.Timeout)).Select(e => e.Text));
    }

    [Fact]
    public async Task WatchAsync_BufferVanishesUnderItsWatcher_EndsWithUpstreamInterrupted()
    {
        _store.Open("vanishing", "t").Append(Text(1, "one"));
        _time.Advance(WatchKeys.FlushDelay);
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = ReadAsync("vanishing", onItem: () => first.TrySetResult());
        await first.Task.WaitAsync(Waits.Timeout);

        await Db.KeyDeleteAsync(Key("vanishing"));
        _time.Advance(WatchKeys.Housekeeping);

        var error = await Assert.ThrowsAsync<StreamHubException>(() => reading.WaitAsync(Waits.Timeout));
        Assert.Equal(ErrorCodes.UpstreamInterrupted, error.Code);
    }

    [Fact]
    public async Task Open_LiveBuffer_ExpiresFromItsFirstMomentAndTheSweepRenewsIt()
    {
        var writer = _store.Open("live", "t");
        Assert.InRange(await TtlAsync("live"), TimeSpan.FromSeconds(1), WatchKeys.LiveExpiry);
        await Db.KeyExpireAsync(Key("live"), TimeSpan.FromSeconds(5));

        _time.Advance(WatchKeys.Housekeeping);
        await Waits.EventuallyAsync(async () => await TtlAsync("live") > TimeSpan.FromSeconds(5), "the sweep to renew the live buffer's expiry");

        writer.Complete(null);
        await Waits.EventuallyAsync(async () => await TtlAsync("live") <= TimeSpan.FromSeconds(60), "the end to set Fanout:WatchExpiry");
    }

    [Fact]
    public async Task Append_BufferGone_NeverCreatesAKeyWithoutAnExpiry()
    {
        var writer = _store.Open("recreate", "t");
        await Waits.EventuallyAsync(() => Db.KeyExistsAsync(Key("recreate")), "the buffer to open");
        await Db.KeyDeleteAsync(Key("recreate"));

        writer.Append(Text(1, "late"));
        writer.Complete(null);
        await Db.PingAsync();

        Assert.False(await Db.KeyExistsAsync(Key("recreate")));
    }

    [Fact]
    public async Task Append_EventsWithinTheFlushDelay_GoOutAsOneEntryInOrder()
    {
        var writer = _store.Open("batch", "t");
        var reading = ReadAsync("batch", until: 5);
        var xadds = await CallsAsync("xadd");

        for (var seq = 1; seq <= 5; seq++)
        {
            writer.Append(Text(seq, "t" + seq));
        }

        await Db.PingAsync();
        Assert.Equal(xadds, await CallsAsync("xadd"));
        _time.Advance(WatchKeys.FlushDelay);

        var items = await reading.WaitAsync(Waits.Timeout);
        Assert.Equal([1L, 2, 3, 4, 5], items.Select(e => e.Seq));
        Assert.Equal(["t1", "t2", "t3", "t4", "t5"], items.Select(e => e.Text));
        Assert.Equal(xadds + 1, await CallsAsync("xadd"));
    }

    [Fact]
    public async Task Append_ManyRequests_FlushOnTheInstancesOneTimerNeverLate()
    {
        var time = new RecordingTimeProvider();
        using var store = Store(time);
        var first = store.Open("r0", "t");
        first.Append(Text(1, "first"));
        var timers = time.TimersCreated;
        var writers = Enumerable.Range(1, 49).Select(i => store.Open("r" + i, "t")).ToList();
        foreach (var writer in writers)
        {
            writer.Append(Text(1, "one"));
        }

        // Fifty requests with a batch pending, no timer of their own.
        Assert.Equal(timers, time.TimersCreated);
        var xadds = await SettledCallsAsync("xadd");
        time.Advance(WatchKeys.FlushDelay);
        await Waits.EventuallyAsync(async () => await CallsAsync("xadd") >= xadds + 50, "the fifty batches to go out together");

        // A batch that began within the slack of a due one goes out with it (early); one that began later waits for its own
        // due time, never later.
        var due = store.Open("due", "t");
        var close = store.Open("close", "t");
        var later = store.Open("later", "t");
        xadds = await SettledCallsAsync("xadd");
        var early = WatchFlushQueue.Slack / 2;
        var half = WatchKeys.FlushDelay / 2;
        due.Append(Text(2, "due"));
        time.Advance(early);
        close.Append(Text(2, "close"));
        time.Advance(half);
        later.Append(Text(2, "later"));
        time.Advance(WatchKeys.FlushDelay - early - half);
        Assert.Equal(xadds + 2, await SettledCallsAsync("xadd"));
        time.Advance(early + half - TimeSpan.FromMilliseconds(1));
        Assert.Equal(xadds + 2, await SettledCallsAsync("xadd"));
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(xadds + 3, await SettledCallsAsync("xadd"));
    }

    [Fact]
    public async Task Append_NobodyWatching_EachFlushIsOneRedisCommand()
    {
        var writer = _store.Open("cheap", "t");
        var before = await SettledCallsAsync(null);

        for (var seq = 1; seq <= 3; seq++)
        {
            writer.Append(Text(seq, "t" + seq));
            writer.Append(Text(seq + 10, "u" + seq));
            _time.Advance(WatchKeys.FlushDelay);
        }

        // Three XADDs: no PUBLISH (nobody asked) and no SELECT before each.
        Assert.Equal(before + 3, await SettledCallsAsync(null));
    }

    [Fact]
    public async Task Append_WatcherWaiting_GetsTheEventNoLaterThanTheFlushDelay()
    {
        var writer = _store.Open("lag", "t");
        var reading = ReadAsync("lag", until: 1);
        await SettledCallsAsync("xread");
        var xadds = await CallsAsync("xadd");

        writer.Append(Text(1, "late by at most the flush delay"));
        _time.Advance(WatchKeys.FlushDelay - TimeSpan.FromMilliseconds(1));
        await Db.PingAsync();
        Assert.Equal(xadds, await CallsAsync("xadd"));
        Assert.False(reading.IsCompleted);

        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("late by at most the flush delay", Assert.Single(await reading.WaitAsync(Waits.Timeout)).Text);
    }

    [Fact]
    public async Task Complete_EventsPending_GoOutAtOnceWithTheEnd()
    {
        var writer = _store.Open("ending", "t");
        var reading = ReadAsync("ending");
        var xadds = await CallsAsync("xadd");

        writer.Append(Text(1, "a"));
        writer.Append(Text(2, "b"));
        writer.Complete(null);

        Assert.Equal(["a", "b"], (await reading.WaitAsync(Waits.Timeout)).Select(e => e.Text));
        Assert.Equal(xadds + 1, await CallsAsync("xadd"));
    }

    [Fact]
    public async Task Writer_IdleWithAWatcher_SendsRedisNothing()
    {
        var writer = _store.Open("idle", "t");
        var reading = ReadAsync("idle", until: 2);
        writer.Append(Text(1, "one"));
        _time.Advance(WatchKeys.FlushDelay);
        var before = await SettledCallsAsync(null);

        // Real time on purpose: a poll or a timer on the real clock would show as time passes.
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(before, await CallsAsync(null));
        Assert.False(reading.IsCompleted);
    }

    [Fact]
    public async Task Append_OnlyInstancesThatAskedAreWoken()
    {
        // Three instances on one Redis: this one writes, "watching" watches the request, "elsewhere" watches another.
        using var watching = Store(new FakeTimeProvider());
        using var elsewhere = Store(new FakeTimeProvider());
        var wakes = new List<string>();
        var subscriber = shared.Multiplexer.GetSubscriber();
        await subscriber.SubscribeAsync(RedisChannel.Pattern("watch-wake:*"), (channel, _) =>
        {
            lock (wakes)
            {
                wakes.Add(channel.ToString());
            }
        });
        var writer = _store.Open("shared", "t");
        _store.Open("other", "t");
        var otherReading = ReadAsync(elsewhere, "other", until: 1);
        var publishes = await SettledCallsAsync("publish");
        writer.Append(Text(1, "one"));
        _time.Advance(WatchKeys.FlushDelay);
        await Db.PingAsync();
        Assert.Equal(publishes, await CallsAsync("publish")); // nobody watches "shared" yet: nobody is woken

        var reading = ReadAsync(watching, "shared", until: 3);
        await SettledCallsAsync("xread");
        lock (wakes)
        {
            wakes.Clear();
        }

        writer.Append(Text(2, "two"));
        _time.Advance(WatchKeys.FlushDelay);
        writer.Append(Text(3, "three"));
        _time.Advance(WatchKeys.FlushDelay);

        Assert.Equal(["one", "two", "three"], (await reading.WaitAsync(Waits.Timeout)).Select(e => e.Text));
        await Waits.EventuallyAsync(() => Task.FromResult(Count(wakes) >= 2), "the two wakes to arrive");
        await Db.PingAsync();
        lock (wakes)
        {
            Assert.Equal(["watch-wake:" + watching.Instance, "watch-wake:" + watching.Instance], wakes);
        }

        Assert.False(otherReading.IsCompleted);
        await subscriber.UnsubscribeAsync(RedisChannel.Pattern("watch-wake:*"));
    }

    private IDatabase Db => shared.Multiplexer.GetDatabase();

    private static CompletionEvent Text(long seq, string text) => CompletionEvent.TextOf(text) with { Seq = seq };

    private string Key(string id) => WatchKeys.Stream(_prefix, "t", id);

    private async Task<TimeSpan> TtlAsync(string id) => await Db.KeyTimeToLiveAsync(Key(id)) ?? TimeSpan.MaxValue;

    private Task<List<CompletionEvent>> ReadAsync(string id, int until = int.MaxValue, Action? onItem = null) => ReadAsync(_store, id, until, onItem);

    private static async Task<List<CompletionEvent>> ReadAsync(RedisWatchStore store, string id, int until = int.MaxValue, Action? onItem = null)
    {
        var items = new List<CompletionEvent>();
        await foreach (var item in store.WatchAsync(id, "t", 0, CancellationToken.None).WithCancellation(CancellationToken.None))
        {
            items.Add(item);
            onItem?.Invoke();
            if (items.Count == until)
            {
                break;
            }
        }

        return items;
    }

    private static int Count(List<string> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    /// <summary>Another instance's store on the same Redis and prefix, on its own clock (this fixture's multiplexer adds no channel prefix).</summary>
    private RedisWatchStore Store(FakeTimeProvider time) => new(
        shared.Multiplexer,
        Options.Create(new FanoutOptions { WatchExpiry = TimeSpan.FromSeconds(60) }),
        Options.Create(new RedisSettings { ConnectionString = shared.Server.ConnectionString, ChannelPrefix = _prefix }),
        time,
        NullLogger<RedisWatchStore>.Instance);

    /// <summary>
    /// How often redis-server has run <paramref name="command"/>, or every command but INFO when null (INFO
    /// commandstats counts each command, those inside transactions too).
    /// </summary>
    private async Task<long> CallsAsync(string? command)
    {
        var server = shared.Multiplexer.GetServer(shared.Multiplexer.GetEndPoints()[0]);
        long calls = 0;
        foreach (var group in await server.InfoAsync("commandstats"))
        {
            foreach (var entry in group)
            {
                if (command is null ? entry.Key != "cmdstat_info" : entry.Key == "cmdstat_" + command)
                {
                    calls += long.Parse(entry.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return calls;
    }

    /// <summary>
    /// <see cref="CallsAsync"/> once it stops moving (the same over 300 ms of real time): what watchers still catching up,
    /// asking and being answered send has all arrived.
    /// </summary>
    private async Task<long> SettledCallsAsync(string? command)
    {
        var last = await CallsAsync(command);
        var steady = 0;
        using var deadline = new CancellationTokenSource(Waits.Timeout);
        while (steady < 3)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
            var now = await CallsAsync(command);
            steady = now == last ? steady + 1 : 0;
            last = now;
        }

        return last;
    }

    /// <summary>A redis-server of these tests alone (its command counts are theirs) and one multiplexer.</summary>
    public sealed class Redis : IAsyncLifetime
    {
        private RedisServer? _server;
        private ConnectionMultiplexer? _multiplexer;

        public RedisServer Server => _server ?? throw new InvalidOperationException("redis-server did not start");

        public ConnectionMultiplexer Multiplexer => _multiplexer ?? throw new InvalidOperationException("redis-server did not start");

        public async Task InitializeAsync()
        {
            _server = await RedisServer.StartAsync();
            _multiplexer = await ConnectionMultiplexer.ConnectAsync(_server.ConnectionString + ",allowAdmin=true").WaitAsync(Waits.Timeout);
        }

        public async Task DisposeAsync()
        {
            if (_multiplexer is not null)
            {
                await _multiplexer.DisposeAsync();
            }

            if (_server is not null)
            {
                await _server.DisposeAsync();
            }
        }
    }
}
