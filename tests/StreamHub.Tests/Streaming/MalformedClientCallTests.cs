using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StreamHub.Contracts;
using StreamHub.Emulator;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Streaming;

/// <summary>
/// Malformed calls as the official .NET client sends them, over JSON and MessagePack: wrong method kinds,
/// argument counts and types, unknown methods. Each ends with <c>invalid_request:</c>, and the connection then
/// streams as before.
/// </summary>
public sealed class MalformedClientCallTests(SharedServer shared) : IClassFixture<SharedServer>
{
    private static readonly int[] Numbers = [1, 2];

    /// <summary>(protocol, method, streamed, arguments)</summary>
    public static TheoryData<string, string, bool, object?[]> Calls()
    {
        var data = new TheoryData<string, string, bool, object?[]>();
        foreach (var protocol in new[] { "json", "messagepack" })
        {
            data.Add(protocol, "Stream", true, []);
            data.Add(protocol, "Stream", true, [42]);
            data.Add(protocol, "Stream", true, ["a", "b"]);
            data.Add(protocol, "Stream", true, [Numbers]);
            data.Add(protocol, "Stream", false, ["hello"]);
            data.Add(protocol, "Nope", true, []);
            data.Add(protocol, "Nope", false, [1]);
            data.Add(protocol, "Watch", true, [5, "x"]);
            data.Add(protocol, "Watch", true, ["r1", -1]);
            data.Add(protocol, "Watch", true, ["r1"]);
            data.Add(protocol, "JoinGroup", false, []);
            data.Add(protocol, "JoinGroup", false, [5]);
            data.Add(protocol, "JoinGroup", false, [null]);
            data.Add(protocol, "JoinGroup", false, ["a b"]);
            data.Add(protocol, "JoinGroup", true, ["g"]);
            data.Add(protocol, "LeaveGroup", false, [Numbers]);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Calls))]
    public async Task ClientCall_Malformed_AnswersInvalidRequestAndTheConnectionStreams(string protocol, string method, bool streamed, object?[] arguments)
    {
        await using var connection = await ConnectAsync(protocol);

        var error = await Assert.ThrowsAsync<HubException>(async () =>
        {
            if (streamed)
            {
                var reader = await connection.StreamAsChannelCoreAsync<string>(method, arguments).WaitAsync(StreamHubServer.Timeout);
                await Streams.ReadToEndAsync(reader);
            }
            else
            {
                await connection.InvokeCoreAsync(method, arguments).WaitAsync(StreamHubServer.Timeout);
            }
        });

        Assert.StartsWith("invalid_request: ", error.Message, StringComparison.Ordinal);
        Assert.Equal(HubConnectionState.Connected, connection.State);
        var next = await connection.StreamAsChannelAsync<string>("Stream", new StreamRequest { Prompt = "still here", MaxTokens = 3 }).WaitAsync(StreamHubServer.Timeout);
        Assert.Equal(EmulatorText.Text("still here", 3), string.Concat(await Streams.ReadToEndAsync(next)));
    }

    private async Task<HubConnection> ConnectAsync(string protocol)
    {
        var builder = new HubConnectionBuilder().WithUrl(shared.Server.HubUrl, o => o.Transports = HttpTransportType.WebSockets);
        if (protocol == "messagepack")
        {
            builder.Services.RemoveAll<IHubProtocol>();
            builder.AddMessagePackProtocol();
        }

        var connection = builder.Build();
        await connection.StartAsync().WaitAsync(StreamHubServer.Timeout);
        return connection;
    }
}
