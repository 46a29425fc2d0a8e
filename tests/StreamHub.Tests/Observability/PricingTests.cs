using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Options;
using StreamHub.Admin;
using StreamHub.Contracts;
using StreamHub.Observability;
using StreamHub.Streaming;
using StreamHub.Tests.Admin;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.Streaming;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Observability;

/// <summary>Cost from the price table: in the caller's usage report and in the per-tenant totals.</summary>
public sealed class PricingTests
{
    [Fact]
    public async Task Stream_ModelPriced_UsageCarriesTheCostAndStatsSumItPerTenant()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(
            ("Pricing:Models:emulator-1:InputPerMillion", "2.5"),
            ("Pricing:Models:emulator-1:OutputPerMillion", "10")));
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);
        using var http = Http(server);

        var reports = new List<UsageReport>();
        foreach (var id in new[] { "priced-1", "priced-2" })
        {
            await ReadToEndAsync(await caller.StartAsync(new StreamRequest { RequestId = id, Prompt = "price this answer", MaxTokens = 20 }));
            reports.Add(await caller.UsageAsync(id));
        }

        foreach (var report in reports)
        {
            Assert.Equal(20, report.CompletionTokens);
            Assert.Equal(((report.PromptTokens * 2.5m) + (report.CompletionTokens * 10m)) / 1_000_000m, report.Cost);
        }

        var stats = await http.GetJsonAsync<AdminStats>("/admin/stats");
        var acme = Assert.Single(stats.Tenants, t => t.Tenant == "acme");
        Assert.Equal((2, 40, reports.Sum(r => r.Cost!.Value), 0), (acme.Requests, acme.CompletionTokens, acme.Cost, acme.UnpricedRequests));
    }

    [Fact]
    public async Task Stream_CachedPromptTokens_CallbackUsageEventAndTenantTotalsUseTheCachedPrice()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(
            ("Pricing:Models:emulator-1:InputPerMillion", "3"),
            ("Pricing:Models:emulator-1:CachedInputPerMillion", "0.3"),
            ("Pricing:Models:emulator-1:OutputPerMillion", "15")));
        await using var connection = await server.ConnectAsync(TenantKey);
        var callback = new TaskCompletionSource<UsageReport>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.On<string, UsageReport>(nameof(IStreamClient.Usage), (_, usage) => callback.TrySetResult(usage));
        using var http = Http(server);

        var events = await StreamEventKit.ReadEventsAsync(
            connection, new StreamRequest { RequestId = "cached-1", Prompt = "[emulator: prompt-tokens=1000 cached=800] price the cache", MaxTokens = 10 });

        var expected = ((200 * 3m) + (800 * 0.3m) + (10 * 15m)) / 1_000_000m;
        var report = await callback.Task.WaitAsync(StreamHubServer.Timeout);
        Assert.Equal((1000, 800, expected), (report.PromptTokens, report.CachedPromptTokens, report.Cost));
        Assert.Equal(report, events[^1].Usage);
        var stats = await http.GetJsonAsync<AdminStats>("/admin/stats");
        Assert.Equal(expected, Assert.Single(stats.Tenants, t => t.Tenant == "acme").Cost);
    }

    [Fact]
    public async Task Stream_ModelNotPriced_CostIsNull()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(("Pricing:Models:other-model:InputPerMillion", "1")));
        await using var caller = await HubCaller.ConnectAsync(server, TenantKey);

        await ReadToEndAsync(await caller.StartAsync(new StreamRequest { RequestId = "free", Prompt = "x", MaxTokens = 2, Model = "unpriced-model" }));

        Assert.Null((await caller.UsageAsync("free")).Cost);
    }

    [Fact]
    public void CostOf_CachedPriceSet_CachedPromptTokensCostItAndTheRestTheInputPrice()
    {
        var pricing = Pricing(new ModelPrice { InputPerMillion = 2m, OutputPerMillion = 8m, CachedInputPerMillion = 0.5m });

        var cost = pricing.CostOf("m", new UsageInfo(1_000, 100, 1_100, CachedPromptTokens: 800));

        Assert.Equal(((200 * 2m) + (800 * 0.5m) + (100 * 8m)) / 1_000_000m, cost);
    }

    [Fact]
    public void CostOf_NoCachedPrice_CachedPromptTokensCostTheInputPrice()
    {
        var pricing = Pricing(new ModelPrice { InputPerMillion = 2m, OutputPerMillion = 8m });

        var cost = pricing.CostOf("m", new UsageInfo(1_000, 100, 1_100, CachedPromptTokens: 800));

        Assert.Equal(((1_000 * 2m) + (100 * 8m)) / 1_000_000m, cost);
    }

    [Fact]
    public async Task Start_NegativeCachedPrice_FailsNamingTheKey()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StreamHubServer.StartAsync(Settings(("Pricing:Models:emulator-1:CachedInputPerMillion", "-0.1"))));

        Assert.Contains("Pricing:Models:emulator-1:CachedInputPerMillion", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_NegativePrice_FailsNamingTheKey()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => StreamHubServer.StartAsync(Settings(("Pricing:Models:emulator-1:OutputPerMillion", "-1"))));

        Assert.Contains("Pricing:Models:emulator-1:OutputPerMillion", error.Message, StringComparison.Ordinal);
    }

    private static CostCalculator Pricing(ModelPrice price)
        => new(Options.Create(new PricingOptions { Models = { ["m"] = price } }));
}
