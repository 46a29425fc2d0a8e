using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Fanout;

/// <summary>
/// A real redis-server and two StreamHub instances (A and B, each with its own emulator) that fan out and
/// keep watch buffers through it. A class fixture for the tests that leave Redis alone; a test that stops
/// Redis starts its own with <see cref="StartAsync"/>.
/// </summary>
public sealed class RedisPair : IAsyncLifetime, IAsyncDisposable
{
    private readonly IReadOnlyDictionary<string, string?> _extra;
    private RedisServer? _redis;
    private StreamHubServer? _a;
    private StreamHubServer? _b;

    public RedisPair()
        : this(new Dictionary<string, string?>())
    {
    }

    private RedisPair(IReadOnlyDictionary<string, string?> extra) => _extra = extra;

    public RedisServer Redis => _redis ?? throw NotStarted();

    public StreamHubServer A => _a ?? throw NotStarted();

    public StreamHubServer B => _b ?? throw NotStarted();

    /// <summary>Every Redis channel of this pair starts with it, so pairs never hear each other.</summary>
    public string ChannelPrefix { get; } = "t" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A pair of its own, with <paramref name="extra"/> settings on both instances.</summary>
    public static async Task<RedisPair> StartAsync(IReadOnlyDictionary<string, string?>? extra = null)
    {
        var pair = new RedisPair(extra ?? new Dictionary<string, string?>());
        await pair.InitializeAsync();
        return pair;
    }

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        var settings = FanoutTestKit.TenantSettings();
        settings["Redis:ConnectionString"] = _redis.ConnectionString;
        settings["Redis:ChannelPrefix"] = ChannelPrefix;
        foreach (var (key, value) in _extra)
        {
            settings[key] = value;
        }

        _a = await StreamHubServer.StartAsync(settings);
        _b = await StreamHubServer.StartAsync(settings);
    }

    /// <summary>As <see cref="SharedStreamHub.ForTestAsync"/>, for both instances.</summary>
    public async Task ForTestAsync()
    {
        foreach (var server in new[] { A, B })
        {
            await server.WaitUntilQuietAsync();
            server.Emulator.State.Reset();
        }
    }

    public async Task DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    async ValueTask IAsyncDisposable.DisposeAsync() => await DisposeAsync();

    private static InvalidOperationException NotStarted() => new("the Redis pair did not start");
}
