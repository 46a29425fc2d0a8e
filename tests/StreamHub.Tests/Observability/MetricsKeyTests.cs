using System.Net;
using System.Net.Http.Headers;
using StreamHub.Tests.Admin;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Observability;

/// <summary>
/// <c>/metrics</c> behind <c>Observability:MetricsApiKey</c>: a scrape without that exact bearer key (none, a
/// wrong one, a tenant's or the operators') gets 401; the key itself may be nobody else's.
/// </summary>
public sealed class MetricsKeyTests
{
    private const string MetricsKey = "metrics-key-0123456789abcdef";

    [Fact]
    public async Task Metrics_KeySet_OnlyItsBearerScrapes()
    {
        await using var server = await StreamHubServer.StartAsync(AdminTestKit.Settings(("Observability:MetricsApiKey", MetricsKey)));

        foreach (var key in new[] { null, "metrics-key-0123456789abcdeX", AdminTestKit.TenantKey, AdminTestKit.AdminKey })
        {
            using var refused = await ScrapeAsync(server, key);
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("Bearer", refused.Headers.WwwAuthenticate.ToString());
            Assert.DoesNotContain("streamhub_", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var scraped = await ScrapeAsync(server, MetricsKey);
        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
        Assert.Contains("# TYPE", await scraped.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_NoKeySet_IsOpen()
    {
        await using var server = await StreamHubServer.StartAsync();

        using var scraped = await ScrapeAsync(server, key: null);

        Assert.Equal(HttpStatusCode.OK, scraped.StatusCode);
    }

    [Theory]
    [InlineData("Observability:MetricsApiKey is the same as Admin:ApiKey", "Admin:ApiKey=" + MetricsKey)]
    [InlineData("Observability:MetricsApiKey is the same as Tenants:0:ApiKey", "Tenants:0:Name=acme", "Tenants:0:ApiKey=" + MetricsKey)]
    public async Task BuildApp_MetricsKeyIsAnotherKey_StartFailsNamingBothKeysNeverTheValue(string message, params string[] settings)
    {
        var error = await FailedStart.RunAsync([.. settings, "Observability:MetricsApiKey=" + MetricsKey]);

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(MetricsKey, error.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> ScrapeAsync(StreamHubServer server, string? key)
    {
        using var http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = StreamHubServer.Timeout };
        using var request = new HttpRequestMessage(HttpMethod.Get, "metrics");
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return await http.SendAsync(request).WaitAsync(StreamHubServer.Timeout);
    }
}
