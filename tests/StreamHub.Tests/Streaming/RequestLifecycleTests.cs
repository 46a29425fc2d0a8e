using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Streaming;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>Ends that are not the caller's: operator abort, shutdown, and a reused request id.</summary>
public sealed class RequestLifecycleTests
{
    private const string Slow = "[emulator: tps=10 tokens=1000] keep going";

    [Fact]
    public async Task Stream_OperatorAborts_CallerGetsAbortedAndUpstreamEnds()
    {
        await using var server = await StreamHubServer.StartAsync();
        await using var connection = await server.ConnectAsync();
        var reader = await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "runaway", Prompt = Slow });
        await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);
        var requests = server.Services.GetRequiredService<ActiveRequests>();

        Assert.True(requests.TryAbort(Assert.Single(requests.WithId("runaway")).Key, ErrorCodes.Aborted, "an operator ended this request"));

        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadToEndAsync(reader));
        Assert.Equal("aborted: an operator ended this request", error.Message);
        await server.AssertUpstreamIdleAsync();
        Assert.Equal(0, requests.Count);
        Assert.Equal(0, server.Services.GetRequiredService<PriorityAdmission>().Snapshot().Active);
    }

    [Fact]
    public async Task Stream_HostStops_CallerGetsShuttingDown()
    {
        var server = await StreamHubServer.StartAsync();
        var connection = await server.ConnectAsync();
        try
        {
            var reader = await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = Slow });
            await reader.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

            var stopping = server.DisposeAsync().AsTask();

            var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadToEndAsync(reader));
            Assert.StartsWith("shutting_down: ", error.Message, StringComparison.Ordinal);
            await stopping.WaitAsync(StreamHubServer.Timeout);
        }
        finally
        {
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task Stream_RequestIdAlreadyInFlight_AnswersInvalidRequest()
    {
        await using var server = await StreamHubServer.StartAsync();
        await using var connection = await server.ConnectAsync();
        var first = await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "same", Prompt = Slow });
        await first.ReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout);

        var second = await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { RequestId = "same", Prompt = "again" });
        var error = await Assert.ThrowsAsync<HubException>(() => Streams.ReadToEndAsync(second));

        Assert.StartsWith("invalid_request: requestId same is already in flight", error.Message, StringComparison.Ordinal);
    }
}
