using Microsoft.AspNetCore.SignalR;
using StreamHub.Admin;
using StreamHub.Contracts;
using StreamHub.Observability;
using StreamHub.Tests.Admin;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Observability;

/// <summary>/admin/stats totals and latency samples after a known run.</summary>
public sealed class StatsTests
{
    [Fact]
    public async Task GetStats_AfterCompletedFailedAndRejected_CountsEachByCode()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(
            ("Upstream:Retry:MaxAttempts", "1"),
            ("Tenants:0:RequestsPerMinute", "4")));
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);
        using var http = Http(server);

        for (var i = 0; i < 2; i++)
        {
            await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "ok", MaxTokens = 5 }));
        }

        server.Emulator.State.SetScript(["status=500"]);
        await Assert.ThrowsAsync<HubException>(async () => await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "fails" })));
        await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "last allowed", MaxTokens = 1 }));
        await Assert.ThrowsAsync<HubException>(async () => await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "over the rate" })));

        var stats = await http.GetJsonAsync<AdminStats>("/admin/stats");

        Assert.Equal((4, 3, 11), (stats.Totals.Admitted, stats.Totals.Completed, stats.Totals.Tokens));
        Assert.Equal(1, stats.Totals.Failed["upstream_error"]);
        Assert.Equal(1, stats.Totals.Rejected["rate_limited"]);
        Assert.Equal(3, stats.TimeToFirstTokenMs.Count);
        Assert.Equal(4, stats.DurationMs.Count);
        Assert.True(stats.TimeToFirstTokenMs.P50 <= stats.TimeToFirstTokenMs.P99);
        Assert.Equal(Environment.MachineName, stats.Instance.MachineName);
        Assert.False(string.IsNullOrEmpty(stats.Instance.InstanceId));
        Assert.Equal((0, 0, 0), (stats.Pool.Active, stats.Pool.ActiveStreams, stats.Queues.Total));
    }

    [Fact]
    public void SlidingSample_MoreValuesThanCapacity_KeepsOnlyTheLatest()
    {
        var sample = new SlidingSample(capacity: 100);
        for (var i = 1; i <= 1000; i++)
        {
            sample.Add(i);
        }

        var summary = sample.Summarize();

        Assert.Equal((100, 950.0, 995.0, 999.0), (summary.Count, summary.P50, summary.P95, summary.P99));
    }

    [Fact]
    public void SlidingSample_Empty_HasNoPercentiles()
    {
        var summary = new SlidingSample().Summarize();

        Assert.Equal((0, null, null, null), (summary.Count, summary.P50, summary.P95, summary.P99));
    }
}
