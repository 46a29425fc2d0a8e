using System.Net;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.OpenAi;
using static StreamHub.Tests.Identity.JwtTestKit;

namespace StreamHub.Tests.Identity;

/// <summary>
/// No tenant can be named into someone else's state: not into anonymous callers' (the name they are shown
/// under, or the scope and limit keys built on it), nor into another tenant's through a separator that group
/// names, watch keys or scopes use. A configured name stops start-up; a JWT claim is refused with 401.
/// </summary>
public sealed class TenantNameTests
{
    [Theory]
    [InlineData("anonymous", "Tenants:0:Name 'anonymous' is reserved for callers without a key")]
    [InlineData("Anonymous", "Tenants:0:Name 'Anonymous' is reserved for callers without a key")]
    [InlineData("acme/team", "Tenants:0:Name must be 1 to 64 characters")]
    [InlineData("anonymous:abc", "Tenants:0:Name must be 1 to 64 characters")]
    [InlineData("anonymous@127.0.0.1", "Tenants:0:Name must be 1 to 64 characters")]
    [InlineData("acme team", "Tenants:0:Name must be 1 to 64 characters")]
    public async Task BuildApp_TenantNameThatCouldShareState_StartFailsNamingTheKey(string name, string message)
    {
        var error = await FailedStart.RunAsync("Tenants:0:Name=" + name, "Tenants:0:ApiKey=tenant-key-0123456789abcdef");

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("anonymous")]
    [InlineData("ANONYMOUS")]
    [InlineData("acme/team")]
    [InlineData("anonymous:abc")]
    [InlineData("anonymous@127.0.0.1")]
    public async Task Connect_JwtTenantClaimThatCouldShareState_IsRefusedWith401(string tenant)
    {
        await using var server = await StreamHubServer.StartAsync(Settings());
        var token = TenantToken(tenant);
        using var http = OpenAiTestKit.Http(server, token);

        var hub = await Assert.ThrowsAnyAsync<Exception>(() => server.ConnectAsync(token));
        using var response = await http.PostAsync("v1/chat/completions", OpenAiTestKit.Json("""{"messages":[{"role":"user","content":"hi"}]}"""))
            .WaitAsync(StreamHubServer.Timeout);

        Assert.Contains("401", hub.Message, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(server.Emulator.State.GetRequests());
    }
}
