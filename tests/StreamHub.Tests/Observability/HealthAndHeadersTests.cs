using System.Net;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Observability;

/// <summary>/health/live, /health/ready and the security headers.</summary>
public sealed class HealthAndHeadersTests(HealthAndHeadersTests.SharedServer shared) : IClassFixture<HealthAndHeadersTests.SharedServer>, IAsyncLifetime
{
    private const string PagePolicy = "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; style-src 'self'; script-src 'self'";

    private StreamHubServer _server = null!;

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task HealthReady_OnlyRegionDisabled_Answers503UntilEnabled()
    {
        using var anonymous = Http(_server, key: null);
        using var admin = Http(_server);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready").WaitAsync(StreamHubServer.Timeout)).StatusCode);

        (await admin.PostAsync("/admin/regions/primary/disable", null).WaitAsync(StreamHubServer.Timeout)).EnsureSuccessStatusCode();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await anonymous.GetAsync("/health/ready").WaitAsync(StreamHubServer.Timeout)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/live").WaitAsync(StreamHubServer.Timeout)).StatusCode);
        (await admin.PostAsync("/admin/regions/primary/enable", null).WaitAsync(StreamHubServer.Timeout)).EnsureSuccessStatusCode();
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/health/ready").WaitAsync(StreamHubServer.Timeout)).StatusCode);
    }

    [Theory]
    [InlineData("/admin.html", null)]
    [InlineData("/admin.js", null)]
    [InlineData("/admin/stats", AdminKey)]
    [InlineData("/admin/stats", null)]
    public async Task Response_PageOrAdmin_CarriesTheSecurityHeaders(string path, string? key)
    {
        using var http = Http(_server, key);

        using var response = await http.GetAsync(path).WaitAsync(StreamHubServer.Timeout);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal(PagePolicy, Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task Response_Scalar_HasItsOwnPolicyThatAllowsItsInlineBootstrap()
    {
        using var http = Http(_server, key: null);

        using var response = await http.GetAsync("/scalar/").WaitAsync(StreamHubServer.Timeout);

        var policy = Header(response, "Content-Security-Policy");
        Assert.Contains("script-src 'self' 'unsafe-inline'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
    }

    private static string? Header(HttpResponseMessage response, string name)
        => response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
            : response.Content.Headers.TryGetValues(name, out values) ? string.Join(",", values) : null;

    /// <summary>
    /// One server: the readiness test disables the only region and enables it again before it ends; the
    /// header tests do not depend on it.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub(Settings(("Admin:PublicApiDocs", "true")));
}
