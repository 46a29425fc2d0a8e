using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>
/// The bound on the switch back from fallback: a fresh cluster state (Redis restarted, or a first start) keeps each
/// expected instance's fallback share in reserve until that instance is heard from, for at most LeaseTimeout.
/// </summary>
public sealed class ClusterSwitchBackTests : IAsyncLifetime
{
    private RedisServer _redis = null!;
    private EmulatorServer _emulator = null!;

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _emulator = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());
    }

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Join_FreshStateOneOfTwoExpectedInstances_KeepsTheOthersShareUntilItJoins()
    {
        var settings = ClusterKit.Settings(_redis, pool: 4, lease: "00:00:15", expected: 2);
        await using var first = await StreamHubServer.StartAsync(settings, _emulator);
        await using var caller = await first.ConnectAsync(ClusterKit.KeyA);
        var streams = new List<Task<string>>();
        for (var i = 0; i < 3; i++)
        {
            streams.Add(ClusterKit.DrainAsync(await ClusterKit.StreamAsync(caller, ClusterKit.Request($"s{i}", $"[emulator: tps=10 tokens=40] share {i}", Priority.Critical, null))));
        }

        // The instance not yet heard from may still be admitting on its own: its 2 stay in reserve.
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 2 && ClusterKit.Snapshot(first).Entries.Count == 1, "two run, one waits");
        Assert.Equal(2, ClusterKit.Snapshot(first).Cluster!.Reserved);

        await using var second = await StreamHubServer.StartAsync(settings, _emulator);

        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 3, "the reserve is released once the other instance joined");
        Assert.Equal(0, ClusterKit.Snapshot(second).Cluster!.Reserved);
        await Task.WhenAll(streams).WaitAsync(StreamHubServer.Timeout);
    }
}
