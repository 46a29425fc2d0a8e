using System.Net.Http.Json;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StreamHub.Contracts;
using StreamHub.Tests.Admin;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Observability;

/// <summary>/metrics after a run, and no configured secret in any response, log line or metric.</summary>
[Collection(MetricsCollection.Name)]
public sealed class MetricsAndSecretsTests : IAsyncLifetime
{
    private const string RegionKey = "sk-region-secret-0123456789abcdef";

    private static readonly string[] Instruments =
    [
        "streamhub_streams_active",
        "streamhub_queue_depth",
        "streamhub_admissions_total",
        "streamhub_rejections_total",
        "streamhub_streams_ended_total",
        "streamhub_tokens_total",
        "streamhub_time_to_first_token_seconds_bucket",
        "streamhub_inter_token_latency_seconds_bucket",
        "streamhub_stream_duration_seconds_bucket",
        "streamhub_upstream_attempts_total",
        "streamhub_upstream_breaker_state",
    ];

    private readonly CapturingLoggerProvider _logs = new();
    private readonly List<string> _seen = [];
    private StreamHubServer _server = null!;

    public async Task InitializeAsync()
    {
        _server = await StreamHubServer.StartAsync(Settings(
            ("Logging:LogLevel:Default", "Trace"),
            ("Upstream:Regions:0:ApiKey", RegionKey),
            ("Upstream:Retry:MaxAttempts", "1"),
            ("Admission:MaxConcurrentStreams", "1"),
            ("Admission:QueueLimits:Low", "0"),
            ("Admin:PublicApiDocs", "true")));

        // Start-up lines are not captured; everything the run below does is.
        _server.Services.GetRequiredService<ILoggerFactory>().AddProvider(_logs);
    }

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Metrics_AfterARun_ExposeEveryInstrument()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "count me", MaxTokens = 5 }));
        using var hold = new CancellationTokenSource();
        _ = await caller.StartAsync(new StreamRequest { RequestId = "held", Prompt = Slow }, hold.Token);
        await caller.StartedAsync("held");
        await Assert.ThrowsAsync<HubException>(async () => await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "no room", Priority = "low" })));
        await hold.CancelAsync();
        using var http = Http(_server, key: null);

        // The exporter caches a scrape for 300 ms: poll until the run shows.
        var text = "";
        await Waits.EventuallyAsync(
            async () => (text = await http.GetStringAsync("/metrics").WaitAsync(Waits.Timeout)).Contains("streamhub_tokens_total", StringComparison.Ordinal),
            "the run to show in /metrics");

        var missing = Instruments.Where(name => !text.Contains(name, StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, "missing: " + string.Join(", ", missing));
        Assert.Contains("streamhub_upstream_attempts_total{otel_scope_name=\"StreamHub\",outcome=\"ok\",region=\"primary\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("streamhub_admissions_total{otel_scope_name=\"StreamHub\",priority=\"high\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("streamhub_rejections_total{otel_scope_name=\"StreamHub\",code=\"queue_full\"} 1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_AfterStreamsErrorsAndAdminCalls_AppearInNoResponseLogOrMetric()
    {
        await using var caller = await HubCaller.ConnectAsync(_server, TenantKey);
        await using var anonymous = await HubCaller.ConnectAsync(_server);
        using var admin = Http(_server);
        using var tenant = Http(_server, TenantKey);
        using var nobody = Http(_server, key: null);

        // Streams: a success, upstream failures (one echoing the key it was sent), a full queue, an abort.
        await ReadToEndAsync(await caller.StartAsync(new StreamRequest { Prompt = "hello", MaxTokens = 5 }));
        await ReadToEndAsync(await anonymous.StartAsync(new StreamRequest { Prompt = "hello anonymous", MaxTokens = 3 }));
        _server.Emulator.State.SetScript(["status=500", "status=401", "status=429 retry-after=120"]);
        for (var i = 0; i < 3; i++)
        {
            await ExpectErrorAsync(caller, new StreamRequest { Prompt = $"fail {i} {RegionKey}" });
        }

        await ExpectErrorAsync(caller, new StreamRequest { Prompt = "bad", MaxTokens = -1 });
        var hold = await caller.StartAsync(new StreamRequest { RequestId = "held", Prompt = Slow });
        await caller.StartedAsync("held");
        await ExpectErrorAsync(caller, new StreamRequest { Prompt = "no room", Priority = "low" });
        await Record(admin.GetAsync("/admin/requests"));
        await Record(admin.DeleteAsync("/admin/requests/held"));
        await Assert.ThrowsAsync<HubException>(() => ReadToEndAsync(hold));
        var wrongKey = await Assert.ThrowsAnyAsync<Exception>(() => _server.ConnectAsync(TenantKey + "x"));
        _seen.Add(wrongKey.ToString());

        // Every admin call, with and without keys, and the public surfaces.
        foreach (var client in new[] { admin, tenant, nobody })
        {
            foreach (var path in new[] { "/admin/stats", "/admin/regions", "/admin/models", "/admin/requests", "/admin/limits", "/metrics", "/health/live", "/health/ready", "/openapi/v1.json", "/scalar/", "/admin.html" })
            {
                await Record(client.GetAsync(path));
            }

            await Record(client.PostAsync("/admin/regions/primary/reset", null));
            await Record(client.PostAsync("/admin/regions/primary/disable", null));
            await Record(client.PostAsync("/admin/regions/primary/enable", null));
            await Record(client.DeleteAsync("/admin/requests/nobody"));
            await Record(client.PutAsJsonAsync("/admin/limits", new { maxConcurrentStreams = 0 }));
            await Record(client.PutAsJsonAsync("/admin/limits", new { maxConcurrentStreams = 2 }));
        }

        // Real time on purpose: the Prometheus exporter serves a cached scrape for 300 ms of the real clock, and
        // nothing in the scrape tells the last call's numbers apart, so only that much time makes it fresh.
        await Task.Delay(400);
        await Record(nobody.GetAsync("/metrics"));

        Assert.NotEmpty(_logs.Lines);
        Assert.Contains(_logs.Lines, line => line.Contains("upstream", StringComparison.OrdinalIgnoreCase));
        foreach (var secret in new[] { RegionKey, TenantKey, AdminKey })
        {
            var leaks = _seen.Concat(_logs.Lines).Where(text => text.Contains(secret, StringComparison.Ordinal)).ToList();
            Assert.True(leaks.Count == 0, "leaked in:\n" + string.Join("\n---\n", leaks));
        }
    }

    private async Task ExpectErrorAsync(HubCaller caller, StreamRequest request)
    {
        var error = await Assert.ThrowsAsync<HubException>(async () => await ReadToEndAsync(await caller.StartAsync(request)));
        _seen.Add(error.Message);
    }

    private async Task Record(Task<HttpResponseMessage> call)
    {
        using var response = await call.WaitAsync(StreamHubServer.Timeout);
        _seen.Add(response.Headers + "\n" + response.Content.Headers + "\n" + await response.Content.ReadAsStringAsync());
    }
}

/// <summary>
/// Exact counter values need the process to themselves: System.Diagnostics.Metrics listeners are
/// process-wide, so another test's app (same meter name, same region name) running in parallel would add
/// to the counts. This collection runs after the parallel ones, alone.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class MetricsCollection
{
    public const string Name = "Metrics (not parallel)";
}
