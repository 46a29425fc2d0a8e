using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;
using StreamHub.Tests.Streaming;
using static StreamHub.Tests.Identity.JwtTestKit;

namespace StreamHub.Tests.Identity;

/// <summary>
/// A hub connection authenticated by a JWT lives no longer than the token: a stolen or revoked-by-expiry token
/// cannot keep a connection streaming. An API-key connection opened at the same time stays.
/// </summary>
public sealed class JwtExpiryTests
{
    private const string TenantKey = "tenant-key-0123456789abcdef";

    [Fact]
    public async Task HubConnection_JwtExpires_ConnectionClosesAndAnApiKeyConnectionStays()
    {
        await using var server = await StreamHubServer.StartAsync(Settings(
            ("Identity:Jwt:ClockSkew", "00:00:00"),
            ("Tenants:0:Name", "acme"),
            ("Tenants:0:ApiKey", TenantKey)));
        var token = Token(new Dictionary<string, object> { ["sub"] = "svc", ["tenant"] = "short-lived" }, expiresIn: TimeSpan.FromSeconds(4));
        await using var jwt = await server.ConnectAsync(token);
        await using var keyed = await server.ConnectAsync(TenantKey);
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        jwt.Closed += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };

        var tokens = await HubStreamingTests.ReadAllAsync(jwt, new StreamRequest { Prompt = "while valid", MaxTokens = 2 });
        await closed.Task.WaitAsync(StreamHubServer.Timeout);

        Assert.Equal(EmulatorText.Text("while valid", 2), string.Concat(tokens));
        Assert.Equal(HubConnectionState.Disconnected, jwt.State);
        Assert.Equal(HubConnectionState.Connected, keyed.State);
        Assert.Single(await HubStreamingTests.ReadAllAsync(keyed, new StreamRequest { Prompt = "still here", MaxTokens = 1 }));
    }
}
