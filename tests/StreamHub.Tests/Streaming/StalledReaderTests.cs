using Microsoft.Extensions.DependencyInjection;
using StreamHub.Admission;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// A caller that stops reading is let go, over the real protocol: a raw WebSocket client with a tiny receive buffer
/// asks for a flood and never reads. Its request ends (even a resumable one), the upstream closes, the admission
/// permit returns; when it reads at last it learns why.
/// </summary>
public sealed class StalledReaderTests
{
    private const string Flood = "[emulator: tps=10000000 tokens=100000] flood";

    [Fact]
    public async Task Stream_CallerStopsReading_RequestUpstreamAndPermitAreReleasedAndTheCallerIsToldWhy()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
        {
            ["Streaming:StalledReaderTimeout"] = "00:00:01",
            ["Streaming:MaxTokensLimit"] = "200000",
            ["Fanout:ResumeGrace"] = "00:10:00",
        });
        await using var attacker = await NonReadingClient.ConnectAsync(server.HubUrl);

        await attacker.StreamAsync("Stream", $$"""{"requestId":"stalled","prompt":"{{Flood}}","resumable":true}""");

        await Waits.EventuallyAsync(() => server.Emulator.State.GetStats().TotalRequests == 1, "the flood to reach the upstream");
        await ReleasedAsync(server);
        var end = await attacker.ReadUntilAsync(static m => m.StartsWith("{\"type\":3,", StringComparison.Ordinal));
        Assert.Contains("\"error\":\"aborted: the caller stopped reading (its stream stayed full for 1 s)", end, StringComparison.Ordinal);
        Assert.Equal(0, server.Emulator.State.GetStats().CompletedStreams);
    }

    [Fact]
    public async Task Stream_CallerNeverReads_TheTotalLimitStillEndsIt()
    {
        await using var server = await StreamHubServer.StartAsync(new Dictionary<string, string?>
        {
            ["Streaming:StalledReaderTimeout"] = "01:00:00",
            ["Streaming:MaxTokensLimit"] = "200000",
            ["Upstream:Timeouts:Total"] = "00:00:02",
        });
        await using var attacker = await NonReadingClient.ConnectAsync(server.HubUrl);

        await attacker.StreamAsync("Stream", $$"""{"prompt":"{{Flood}}"}""");

        await Waits.EventuallyAsync(() => server.Emulator.State.GetStats().TotalRequests == 1, "the flood to reach the upstream");
        await ReleasedAsync(server);
        var end = await attacker.ReadUntilAsync(static m => m.StartsWith("{\"type\":3,", StringComparison.Ordinal));
        Assert.Contains("\"error\":\"upstream_timeout: the answer exceeded the total limit of 2 s", end, StringComparison.Ordinal);
    }

    /// <summary>Nothing of the request is left: no entry, no permit, no upstream stream.</summary>
    private static Task ReleasedAsync(StreamHubServer server)
    {
        var requests = server.Services.GetRequiredService<ActiveRequests>();
        var admission = server.Services.GetRequiredService<PriorityAdmission>();
        return Waits.EventuallyAsync(
            () => requests.Count == 0 && admission.Snapshot().Active == 0 && server.Emulator.State.OpenStreams == 0,
            "the stalled request to end and give back its upstream and its permit");
    }
}
