using System.Net.Http.Json;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using Xunit.Abstractions;
using static StreamHub.Tests.Upstream.CatalogTestKit;

namespace StreamHub.Tests.Upstream;

/// <summary>Several keys for one provider: regions of one priority share traffic by Weight, and a throttled key steps aside.</summary>
public sealed class RegionWeightTests(ITestOutputHelper output)
{
    private const string KeyA = "sk-key-a-0123456789abcdef";
    private const string KeyB = "sk-key-b-0123456789abcdef";

    [Fact]
    public async Task Completions_TwoKeysWeightedThreeToOne_1000RequestsSplitAsConfigured()
    {
        await using var provider = await ProviderAsync(["gpt-4.1-mini"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "key-a", provider, ("ApiKey", KeyA), ("Weight", "3"), ("Models:chat", "gpt-4.1-mini")),
            .. Region(1, "key-b", provider, ("ApiKey", KeyB), ("Weight", "1"), ("Models:chat", "gpt-4.1-mini")),
            ("Upstream:Model", "chat"),
        ]), provider);
        using var http = server.CreateHttpClient(TenantKey);

        await Parallel.ForAsync(0, 1000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (_, ct) =>
        {
            using var response = await http.PostAsJsonAsync("v1/chat/completions", Body, ct);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(ct));
        }).WaitAsync(TimeSpan.FromMinutes(2));

        var received = provider.State.GetRequests();
        var (a, b) = (received.Count(r => r.Authorization == "Bearer " + KeyA), received.Count(r => r.Authorization == "Bearer " + KeyB));
        output.WriteLine($"1000 requests, weights 3:1: key-a {a}, key-b {b}");
        Assert.Equal(1000, a + b);
        Assert.InRange(a, 725, 775);
        Assert.Equal(["gpt-4.1-mini"], received.Select(r => r.Model).Distinct());
    }

    [Fact]
    public async Task Completions_OneKeyThrottled_TheOtherKeyCarriesOnWhileItsBreakerIsOpen()
    {
        await using var provider = await ProviderAsync(["gpt-4.1-mini"]);
        await using var server = await StreamHubServer.StartAsync(Settings(
        [
            .. Region(0, "key-a", provider, ("ApiKey", KeyA), ("Models:chat", "gpt-4.1-mini")),
            .. Region(1, "key-b", provider, ("ApiKey", KeyB), ("Models:chat", "gpt-4.1-mini")),
            ("Upstream:Model", "chat"),
            ("Upstream:CircuitBreaker:FailureThreshold", "1"),
            ("Upstream:CircuitBreaker:BreakDuration", "00:10:00"),
        ]), provider);
        using var http = server.CreateHttpClient(TenantKey);
        provider.State.SetScript(["status=429 retry-after=30"]);

        for (var i = 0; i < 10; i++)
        {
            using var response = await http.PostAsJsonAsync("v1/chat/completions", Body).WaitAsync(Waits.Timeout);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        // The first pick was key-a (equal weights, it comes first): throttled once, then skipped while open.
        var received = provider.State.GetRequests();
        Assert.Equal(("Bearer " + KeyA, "status=429 retry-after=30"), (received[0].Authorization, received[0].Fault));
        Assert.All(received.Skip(1), r => Assert.Equal("Bearer " + KeyB, r.Authorization));
        Assert.Equal(11, received.Count);
    }

    private static object Body => new
    {
        model = "chat",
        messages = new[] { new { role = "user", content = "hello" } },
        max_tokens = 1,
    };
}
