using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Admin;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Admin;

/// <summary>Listing and aborting requests in flight: a pool of one, so a second request queues.</summary>
public sealed class AdminRequestsTests(AdminRequestsTests.SharedServer shared) : IClassFixture<AdminRequestsTests.SharedServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task DeleteRequest_Streaming_CallerGetsAbortedAndUpstreamEnds()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        using var http = Http(_server);
        var stream = await caller.StartAsync(new StreamRequest { RequestId = "long-1", Prompt = Slow });
        await caller.StartedAsync("long-1");

        using var response = await http.DeleteAsync("/admin/requests/long-1").WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var error = await Assert.ThrowsAsync<HubException>(() => ReadToEndAsync(stream));
        Assert.StartsWith("aborted: ", error.Message, StringComparison.Ordinal);
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, Admission.Snapshot().Active);
    }

    [Fact]
    public async Task DeleteRequest_Queued_CallerGetsAbortedAndLeavesTheQueue()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        using var http = Http(_server);
        using var hold = new CancellationTokenSource();
        _ = await caller.StartAsync(new StreamRequest { RequestId = "holder", Prompt = Slow }, hold.Token);
        await caller.StartedAsync("holder");
        var queued = await caller.StartAsync(new StreamRequest { RequestId = "waiter", Prompt = "never sent" });
        Assert.Equal(1, await caller.QueuedAsync("waiter"));

        using var response = await http.DeleteAsync("/admin/requests/waiter").WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var error = await Assert.ThrowsAsync<HubException>(() => ReadToEndAsync(queued));
        Assert.StartsWith("aborted: ", error.Message, StringComparison.Ordinal);
        Assert.Empty(Admission.Snapshot().Entries);
        await hold.CancelAsync();
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
        Assert.DoesNotContain(_server.Emulator.State.GetRequests(), r => r.Messages.Any(m => m.Content.Contains("never sent", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task GetRequests_OneStreamingOneQueued_ListsBothWithTheirState()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        using var http = Http(_server);
        using var hold = new CancellationTokenSource();
        _ = await caller.StartAsync(new StreamRequest { RequestId = "running", Prompt = Slow }, hold.Token);
        await caller.StartedAsync("running");
        _ = await caller.StartAsync(new StreamRequest { RequestId = "waiting", Prompt = "x", Priority = "low" }, hold.Token);
        await caller.QueuedAsync("waiting");
        await Waits.EventuallyAsync(async () => (await http.GetJsonAsync<AdminRequest[]>("/admin/requests")).Any(r => r.Id == "running" && r.Tokens > 0), "tokens counted");

        var list = await http.GetJsonAsync<AdminRequest[]>("/admin/requests");

        var running = Assert.Single(list, r => r.Id == "running");
        Assert.Equal(("streaming", "acme", "high", "primary"), (running.State, running.Tenant, running.Priority, running.Region));
        var waiting = Assert.Single(list, r => r.Id == "waiting");
        Assert.Equal(("queued", "low", 1, null), (waiting.State, waiting.Priority, waiting.QueuePosition, waiting.Region));
        Assert.True(waiting.AgeMs >= 0);
        await hold.CancelAsync();
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task DeleteRequest_Unknown_Answers404Problem()
    {
        using var http = Http(_server);

        using var response = await http.DeleteAsync("/admin/requests/nobody").WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>().WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(404, problem!.Status);
        Assert.Contains("no request", problem.Detail, StringComparison.Ordinal);
    }

    private PriorityAdmission Admission => _server.Services.GetRequiredService<PriorityAdmission>();

    /// <summary>
    /// One server: every test ends its own requests, and each starts once the previous test's requests have
    /// left the pool and the queue, so the one slot and the empty queue they assert are theirs.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub(Settings(("Admission:MaxConcurrentStreams", "1"), ("Admission:BackpressureThreshold", "1")));
}
