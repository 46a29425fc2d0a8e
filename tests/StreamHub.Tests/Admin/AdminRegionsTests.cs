using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Upstream;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Admin;

/// <summary>Two emulator regions: "primary" (tried first) and "secondary".</summary>
public sealed class AdminRegionsTests : IAsyncLifetime
{
    private EmulatorServer _secondary = null!;
    private StreamHubServer _server = null!;

    public async Task InitializeAsync()
    {
        _secondary = await EmulatorServer.StartAsync(StreamHubServer.FastEmulator());
        _server = await StreamHubServer.StartAsync(Settings(
            ("Upstream:Regions:0:Priority", "0"),
            ("Upstream:Regions:1:Name", "secondary"),
            ("Upstream:Regions:1:BaseUrl", new Uri(_secondary.BaseAddress, "v1").ToString()),
            ("Upstream:Regions:1:Priority", "1"),
            ("Upstream:Retry:MaxAttempts", "3"),
            ("Upstream:CircuitBreaker:FailureThreshold", "2"),
            ("Upstream:CircuitBreaker:BreakDuration", "00:05:00")));
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _secondary.DisposeAsync();
    }

    [Fact]
    public async Task DisableRegion_NewRequestsGoToTheOtherRegion_EnableBringsItBack()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        using var http = Http(_server);
        Assert.Equal("primary", await RunAsync(caller, "before"));

        using var disabled = await http.PostAsync("/admin/regions/primary/disable", null).WaitAsync(StreamHubServer.Timeout);
        var health = await disabled.Content.ReadFromJsonAsync<RegionHealth>(Json).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(("disabled", true), (health!.State, health.Disabled));
        Assert.Equal("secondary", await RunAsync(caller, "drained"));

        using var enabled = await http.PostAsync("/admin/regions/primary/enable", null).WaitAsync(StreamHubServer.Timeout);
        enabled.EnsureSuccessStatusCode();
        Assert.Equal("primary", await RunAsync(caller, "after"));
    }

    [Fact]
    public async Task DisableRegion_StreamRunning_FinishesThere()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        using var http = Http(_server);
        var running = await caller.StartAsync(new StreamRequest { RequestId = "running", Prompt = "[emulator: tps=50 tokens=30] go" });
        Assert.Equal("primary", await caller.StartedAsync("running"));

        using var disabled = await http.PostAsync("/admin/regions/primary/disable", null).WaitAsync(StreamHubServer.Timeout);

        disabled.EnsureSuccessStatusCode();
        Assert.Equal(30, (await ReadToEndAsync(running)).Count);
    }

    [Fact]
    public async Task ResetRegion_BreakerOpen_ClosesIt()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        using var http = Http(_server);
        _server.Emulator.State.SetScript(["status=500", "status=500"]);
        for (var i = 0; i < 2; i++)
        {
            // Each fails over to the secondary; the primary records the failure.
            Assert.Equal("secondary", await RunAsync(caller, $"fail-{i}"));
        }

        var regions = await http.GetJsonAsync<RegionHealth[]>("/admin/regions");
        Assert.Equal("open", regions.Single(r => r.Name == "primary").State);

        using var reset = await http.PostAsync("/admin/regions/primary/reset", null).WaitAsync(StreamHubServer.Timeout);

        var health = await reset.Content.ReadFromJsonAsync<RegionHealth>(Json).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal("closed", health!.State);
        Assert.Equal("primary", await RunAsync(caller, "healed"));
    }

    [Theory]
    [InlineData("reset")]
    [InlineData("disable")]
    [InlineData("enable")]
    public async Task RegionAction_UnknownRegion_Answers404Problem(string action)
    {
        using var http = Http(_server);

        using var response = await http.PostAsync($"/admin/regions/nowhere/{action}", null).WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>().WaitAsync(StreamHubServer.Timeout);
        Assert.Contains("no upstream region", problem!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetRegions_TwoConfigured_ListsBothWithoutKeys()
    {
        using var http = Http(_server);

        var regions = await http.GetJsonAsync<RegionHealth[]>("/admin/regions");

        Assert.Equal(["primary", "secondary"], regions.Select(r => r.Name));
        Assert.All(regions, r => Assert.Equal("closed", r.State));
    }

    private static async Task<string> RunAsync(HubCaller caller, string id)
    {
        var reader = await caller.StartAsync(new StreamRequest { RequestId = id, Prompt = id, MaxTokens = 3 });
        await ReadToEndAsync(reader);
        return await caller.StartedAsync(id);
    }
}
