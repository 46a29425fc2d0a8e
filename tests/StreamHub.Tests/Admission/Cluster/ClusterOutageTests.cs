using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Admin;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admission.Cluster;

/// <summary>Two instances, a cluster pool of 4, two expected instances (a fallback pool of 2 each), Redis stopped mid-run.</summary>
public sealed class ClusterOutageTests : IAsyncLifetime
{
    private const string Long = "[emulator: tps=20 tokens=50] outage";
    private RedisServer _redis = null!;
    private EmulatorServer _emulator = null!;
    private StreamHubServer[] _hubs = [];

    public async Task InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        _emulator = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());
        _hubs = await ClusterKit.StartAsync(2, ClusterKit.Settings(_redis, pool: 4, expected: 2), _emulator);
    }

    public async Task DisposeAsync()
    {
        foreach (var hub in _hubs)
        {
            await hub.DisposeAsync();
        }

        await _emulator.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Stream_RedisStopsAndRestarts_StreamsFlowWithinTheFallbackPoolsAndTheClusterPoolReturns()
    {
        var a = await _hubs[0].ConnectAsync(ClusterKit.KeyA);
        var b = await _hubs[1].ConnectAsync(ClusterKit.KeyA);
        var streams = new List<(string Prompt, Task<string> Text)>
        {
            await StartAsync(a, "a1"),
            await StartAsync(b, "b1"),
        };
        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 2, "two streams run through the cluster");

        await _redis.StopAsync();

        // On their own, each instance admits 2 (the stream it already runs counts): 4 run, 4 wait.
        foreach (var name in new[] { "a2", "a3", "a4" })
        {
            streams.Add(await StartAsync(a, name));
        }

        foreach (var name in new[] { "b2", "b3", "b4" })
        {
            streams.Add(await StartAsync(b, name));
        }

        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 4, "each instance runs its fallback pool of 2");
        using var http = AdminTestKit.Http(_hubs[0], ClusterKit.AdminKey);
        var stats = await http.GetJsonAsync<StreamHub.Admin.AdminStats>("/admin/stats");
        Assert.Equal(("fallback", 2, 2), (stats.Cluster!.Mode, stats.Cluster.FallbackPool, stats.Pool.Size));
        using var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative)).WaitAsync(StreamHubServer.Timeout);
        using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var admission = report.RootElement.GetProperty("checks").GetProperty("admission");
        Assert.Equal("Degraded", admission.GetProperty("status").GetString());
        Assert.Contains("fallback, admitting alone with a pool of 2", admission.GetProperty("description").GetString(), StringComparison.Ordinal);

        await _redis.RestartAsync();

        // Back in the cluster (its state was lost with the restart): 4 at once across both, never more.
        await Waits.EventuallyAsync(
            async () => (await http.GetJsonAsync<StreamHub.Admin.AdminStats>("/admin/stats")).Cluster!.Mode == "cluster",
            "the instance admits through the cluster again");
        foreach (var (prompt, text) in streams)
        {
            Assert.Equal(EmulatorText.Text(prompt, 50), await text.WaitAsync(StreamHubServer.Timeout));
        }

        Assert.True(_emulator.State.PeakOpenStreams <= 4, $"the upstream saw {_emulator.State.PeakOpenStreams} streams at once");

        // The whole pool is the cluster's again: one instance alone runs 4 at once, more than its fallback share.
        var more = new List<(string Prompt, Task<string> Text)>();
        foreach (var name in new[] { "c1", "c2", "c3", "c4", "c5" })
        {
            more.Add(await StartAsync(a, name));
        }

        await Waits.EventuallyAsync(() => _emulator.State.OpenStreams == 4, "one instance runs the cluster's pool of 4");
        await Task.WhenAll(more.Select(m => m.Text)).WaitAsync(StreamHubServer.Timeout);
        Assert.True(_emulator.State.PeakOpenStreams <= 4, $"the upstream saw {_emulator.State.PeakOpenStreams} streams at once");
        await a.DisposeAsync();
        await b.DisposeAsync();
    }

    private static async Task<(string, Task<string>)> StartAsync(HubConnection connection, string name)
    {
        var prompt = $"{Long} {name}";
        var reader = await ClusterKit.StreamAsync(connection, ClusterKit.Request(name, prompt, Priority.Normal, maxTokens: null));
        return ($"outage {name}", Streams.ReadToEndAsync(reader).ContinueWith(t => string.Concat(t.Result), TaskScheduler.Default));
    }
}
