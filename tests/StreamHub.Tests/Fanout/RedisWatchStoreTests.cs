using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Fanout;

/// <summary>
/// The Redis watch store on a fake clock against a real redis-server: idle watchers cost Redis nothing until the one
/// shared sweep, which also covers a lost notification; every key it writes has an expiry from its first moment.
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
        await Waits.EventuallyAsync(async () => await CallsAsync("xread") >= 20, "every watcher to read once");
        var before = await CallsAsync("xread");

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
        var before = await CallsAsync("xread");
        var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var reading = ReadAsync("lost", until: 2, onItem: () => first.TrySetResult());
        await first.Task.WaitAsync(Waits.Timeout);
        await Waits.EventuallyAsync(async () => await CallsAsync("xread") >= before + 2, "the watcher to read again and find nothing new");

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

    private IDatabase Db => shared.Multiplexer.GetDatabase();

    private static CompletionEvent Text(long seq, string text) => CompletionEvent.TextOf(text) with { Seq = seq };

    private string Key(string id) => WatchKeys.Stream(_prefix, "t", id);

    private async Task<TimeSpan> TtlAsync(string id) => await Db.KeyTimeToLiveAsync(Key(id)) ?? TimeSpan.MaxValue;

    private async Task<List<CompletionEvent>> ReadAsync(string id, int until = int.MaxValue, Action? onItem = null)
    {
        var items = new List<CompletionEvent>();
        await foreach (var item in _store.WatchAsync(id, "t", 0, CancellationToken.None).WithCancellation(CancellationToken.None))
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

    /// <summary>How often redis-server has run <paramref name="command"/> (INFO commandstats).</summary>
    private async Task<long> CallsAsync(string command)
    {
        var server = shared.Multiplexer.GetServer(shared.Multiplexer.GetEndPoints()[0]);
        foreach (var group in await server.InfoAsync("commandstats"))
        {
            foreach (var entry in group)
            {
                if (entry.Key == "cmdstat_" + command)
                {
                    return long.Parse(entry.Value.Split(',')[0]["calls=".Length..], System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }

        return 0;
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
