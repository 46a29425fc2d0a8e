using System.Net;
using System.Text.Json;
using StreamHub.Tests.Infrastructure;
using static StreamHub.Tests.Admin.AdminTestKit;

namespace StreamHub.Tests.Admin;

/// <summary>The OpenAPI document at /openapi/v1.json and Scalar at /scalar.</summary>
public sealed class OpenApiTests(OpenApiTests.PublicDocsServer publicDocs) : IClassFixture<OpenApiTests.PublicDocsServer>, IAsyncLifetime
{
    private StreamHubServer _public = null!;

    public static TheoryData<string, string, string[]> Operations => new()
    {
        { "/admin/stats", "get", ["200", "401", "403"] },
        { "/admin/regions", "get", ["200", "401", "403"] },
        { "/admin/regions/{name}/reset", "post", ["200", "401", "403", "404"] },
        { "/admin/regions/{name}/disable", "post", ["200", "401", "403", "404"] },
        { "/admin/regions/{name}/enable", "post", ["200", "401", "403", "404"] },
        { "/admin/models", "get", ["200", "401", "403"] },
        { "/admin/requests", "get", ["200", "401", "403"] },
        { "/admin/requests/{id}", "delete", ["204", "401", "403", "404", "409"] },
        { "/admin/limits", "get", ["200", "401", "403"] },
        { "/admin/limits", "put", ["200", "400", "401", "403", "503"] },
    };

    public async Task InitializeAsync() => _public = await publicDocs.ForTestAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task OpenApiDocument_Public_ListsEveryAdminRouteWithItsResponsesAndTheBearerScheme()
    {
        using var http = Http(_public, key: null);

        using var document = JsonDocument.Parse(await http.GetStringAsync("/openapi/v1.json").WaitAsync(StreamHubServer.Timeout));

        var root = document.RootElement;
        var paths = root.GetProperty("paths");
        var adminOperations = paths.EnumerateObject()
            .Where(p => p.Name.StartsWith("/admin", StringComparison.Ordinal))
            .Sum(p => p.Value.EnumerateObject().Count());
        Assert.Equal(Operations.Count, adminOperations);
        foreach (var row in Operations)
        {
            var (path, method, statuses) = ((string)row[0], (string)row[1], (string[])row[2]);
            var operation = paths.GetProperty(path).GetProperty(method);
            var responses = operation.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order().ToArray();
            Assert.True(statuses.Order().SequenceEqual(responses), $"{method} {path}: [{string.Join(",", responses)}]");
            Assert.Equal("Admin", operation.GetProperty("tags")[0].GetString());
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("summary").GetString()));
            Assert.False(string.IsNullOrEmpty(operation.GetProperty("operationId").GetString()));
            Assert.True(operation.GetProperty("security")[0].TryGetProperty("Bearer", out _), $"{method} {path} names no bearer requirement");
        }

        var scheme = root.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        Assert.Equal(("http", "bearer"), (scheme.GetProperty("type").GetString(), scheme.GetProperty("scheme").GetString()));
    }

    [Fact]
    public async Task Scalar_Public_ServesHtml()
    {
        using var http = Http(_public, key: null);

        using var response = await http.GetAsync("/scalar/").WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("openapi/v1.json", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApiDocs_NotPublic_NeedTheAdminKey()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(("Admin:PublicApiDocs", "false")));
        using var anonymous = Http(server, key: null);
        using var tenant = Http(server, TenantKey);
        using var admin = Http(server);

        foreach (var path in new[] { "/openapi/v1.json", "/scalar/" })
        {
            using var none = await anonymous.GetAsync(path).WaitAsync(StreamHubServer.Timeout);
            using var forbidden = await tenant.GetAsync(path).WaitAsync(StreamHubServer.Timeout);
            using var allowed = await admin.GetAsync(path).WaitAsync(StreamHubServer.Timeout);
            Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
    }

    /// <summary>The documents in public: read-only, so the tests that read them share one server.</summary>
    public sealed class PublicDocsServer() : SharedStreamHub(Settings(("Admin:PublicApiDocs", "true")));
}
