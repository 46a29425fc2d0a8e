using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Admin;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Admin;

/// <summary>Reading and changing the admission limits at run time.</summary>
public sealed class AdminLimitsTests : IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await StreamHubServer.StartAsync(Settings(
        ("Admission:MaxConcurrentStreams", "4"),
        ("Admission:BackpressureThreshold", "1"),
        ("Admission:QueueLimits:Low", "7")));

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task GetLimits_FromSettings_ShowsTheConfiguredValues()
    {
        using var http = Http(_server);

        var limits = await http.GetJsonAsync<AdminLimits>("/admin/limits");

        Assert.Equal(4, limits.MaxConcurrentStreams);
        Assert.Equal(7, limits.QueueLimits.Low);
        Assert.Equal(1.0, limits.BackpressureThreshold);
        Assert.Equal(TimeSpan.FromSeconds(30), limits.MaxQueueWait);
    }

    [Fact]
    public async Task PutLimits_Partial_ChangesOnlyTheNamedFieldsAndTheLimiter()
    {
        using var http = Http(_server);

        using var response = await http.PutAsJsonAsync("/admin/limits", new { maxConcurrentStreams = 9, queueLimits = new { high = 3 }, maxQueueWait = "00:01:00" })
            .WaitAsync(StreamHubServer.Timeout);

        response.EnsureSuccessStatusCode();
        var limits = await http.GetJsonAsync<AdminLimits>("/admin/limits");
        Assert.Equal((9, 3, 7, TimeSpan.FromMinutes(1)), (limits.MaxConcurrentStreams, limits.QueueLimits.High, limits.QueueLimits.Low, limits.MaxQueueWait));
        Assert.Equal(9, Admission.Snapshot().PoolSize);
    }

    [Theory]
    [InlineData("""{ "maxConcurrentStreams": 0 }""", "maxConcurrentStreams")]
    [InlineData("""{ "backpressureThreshold": 1.5 }""", "backpressureThreshold")]
    [InlineData("""{ "queueLimits": { "low": -1 } }""", "queueLimits.low")]
    [InlineData("""{ "agingInterval": "00:05:00" }""", "agingInterval")]
    [InlineData("""{ "maxQueueWait": "02:00:00" }""", "maxQueueWait")]
    public async Task PutLimits_InvalidField_Answers400NamingTheFieldAndKeepsTheLimits(string body, string field)
    {
        using var http = Http(_server);

        using var response = await http.PutAsync("/admin/limits", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))
            .WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>().WaitAsync(StreamHubServer.Timeout);
        Assert.Contains(field, problem!.Errors.Keys);
        Assert.Equal(4, (await http.GetJsonAsync<AdminLimits>("/admin/limits")).MaxConcurrentStreams);
    }

    /// <summary>The run-time change meets the rules of start-up: what stops the service is refused here too.</summary>
    [Theory]
    [InlineData("Admission:MaxConcurrentStreams", "100001", """{ "maxConcurrentStreams": 100001 }""", "maxConcurrentStreams")]
    [InlineData("Admission:QueueLimits:High", "1000001", """{ "queueLimits": { "high": 1000001 } }""", "queueLimits.high")]
    [InlineData("Admission:BackpressureThreshold", "0", """{ "backpressureThreshold": 0 }""", "backpressureThreshold")]
    [InlineData("Admission:AgingInterval", "00:00:30", """{ "agingInterval": "00:00:30" }""", "agingInterval")]
    public async Task PutLimits_ValueStartUpRefuses_IsRefusedNamingTheField(string key, string value, string body, string field)
    {
        var startUp = await FailedStart.RunAsync($"{key}={value}");
        using var http = Http(_server);

        using var response = await http.PutAsync("/admin/limits", new StringContent(body, System.Text.Encoding.UTF8, "application/json"))
            .WaitAsync(StreamHubServer.Timeout);

        Assert.Contains(key, startUp.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>().WaitAsync(StreamHubServer.Timeout);
        var messages = Assert.Contains(field, problem!.Errors);
        Assert.Contains(messages, m => m.StartsWith(key, StringComparison.Ordinal));
        Assert.Equal(4, (await http.GetJsonAsync<AdminLimits>("/admin/limits")).MaxConcurrentStreams);
    }

    [Fact]
    public async Task PutLimits_ResizedUnderLoad_PermitsAreConserved()
    {
        // A connection may hold 8 streams: two connections carry the twelve.
        await using var first = await HubCaller.ConnectAsync(_server, TenantKey);
        await using var second = await HubCaller.ConnectAsync(_server, TenantKey);
        using var http = Http(_server);
        var streams = new List<Task<List<string>>>();
        for (var i = 0; i < 12; i++)
        {
            var reader = await (i % 2 == 0 ? first : second).StartAsync(new StreamRequest
            {
                RequestId = $"load-{i}",
                Prompt = $"[emulator: tps=100 tokens={10 + (i * 3)}] load {i}",
                Priority = i % 2 == 0 ? "high" : "low",
            });
            streams.Add(ReadToEndAsync(reader));
        }

        foreach (var pool in new[] { 1, 6, 2, 8, 1, 3 })
        {
            using var response = await http.PutAsJsonAsync("/admin/limits", new { maxConcurrentStreams = pool }).WaitAsync(StreamHubServer.Timeout);
            response.EnsureSuccessStatusCode();
            var snapshot = Admission.Snapshot();
            Assert.Equal(pool, snapshot.PoolSize);

            // Real time on purpose: the emulator streams on the real clock, so 40 ms lets streams start and end
            // between two resizes (churn, not a guess at a state the test then asserts).
            await Task.Delay(40);
        }

        var all = await Task.WhenAll(streams).WaitAsync(StreamHubServer.Timeout);

        Assert.All(all, tokens => Assert.NotEmpty(tokens));
        var final = Admission.Snapshot();
        Assert.Equal(0, final.Active);
        Assert.Empty(final.Entries);
        Assert.All(final.QueuedByPriority, n => Assert.Equal(0, n));
        await _server.AssertUpstreamIdleAsync(TimeSpan.FromSeconds(5));
    }

    private PriorityAdmission Admission => _server.Services.GetRequiredService<PriorityAdmission>();
}
