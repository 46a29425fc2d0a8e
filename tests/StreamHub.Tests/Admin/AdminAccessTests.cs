using System.Net;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Admin;

/// <summary>Every admin route answers 401 without a key and 403 with a tenant's key; the admin key passes.</summary>
public sealed class AdminAccessTests(AdminAccessTests.SharedServer shared) : IClassFixture<AdminAccessTests.SharedServer>, IAsyncLifetime
{
    private StreamHubServer _server = null!;

    public static TheoryData<string, string> Routes => new()
    {
        { "GET", "/admin/stats" },
        { "GET", "/admin/regions" },
        { "POST", "/admin/regions/primary/reset" },
        { "POST", "/admin/regions/primary/disable" },
        { "POST", "/admin/regions/primary/enable" },
        { "GET", "/admin/requests" },
        { "DELETE", "/admin/requests/no-such-request" },
        { "GET", "/admin/limits" },
        { "PUT", "/admin/limits" },
    };

    public async Task InitializeAsync() => _server = await shared.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AdminRoute_NoKey_Answers401(string method, string path)
    {
        using var http = Http(_server, key: null);

        using var response = await SendAsync(http, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AdminRoute_TenantKey_Answers403(string method, string path)
    {
        using var http = Http(_server, TenantKey);

        using var response = await SendAsync(http, method, path);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AdminRoute_UnknownKey_Answers401(string method, string path)
    {
        using var http = Http(_server, "not-a-key-of-anyone-0000");

        using var response = await SendAsync(http, method, path);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [MemberData(nameof(Routes))]
    public async Task AdminRoute_AdminKey_IsServed(string method, string path)
    {
        using var http = Http(_server);

        using var response = await SendAsync(http, method, path);

        // The unknown request id answers 404; everything else succeeds.
        Assert.True(
            response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound,
            $"{method} {path} answered {(int)response.StatusCode}");
    }

    [Fact]
    public async Task AdminRoute_AdminKeyNotConfigured_RefusesEveryKey()
    {
        var settings = Settings();
        settings.Remove("Admin:ApiKey");
        await using var server = await StreamHubServer.StartAsync(settings);
        using var none = Http(server, key: null);
        using var tenant = Http(server, TenantKey);
        using var former = Http(server, AdminKey);

        using var noKey = await SendAsync(none, "GET", "/admin/stats");
        using var tenantKey = await SendAsync(tenant, "GET", "/admin/stats");
        using var formerKey = await SendAsync(former, "GET", "/admin/stats");

        Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, tenantKey.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, formerKey.StatusCode);
    }

    /// <summary>
    /// One server for every route and key: the calls change region and limit state, but these tests assert
    /// only who is let in.
    /// </summary>
    public sealed class SharedServer() : SharedStreamHub(Settings());
}
