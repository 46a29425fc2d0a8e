using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// Streams through StreamHub's hub with the official .NET client over WebSockets (negotiation skipped), JSON or
/// MessagePack, stream <c>i</c> on connection <c>i mod count</c> (<c>--per-connection</c> streams each).
/// </summary>
internal sealed class HubConsumer : IStreamConsumer
{
    private readonly HubConnection[] _connections;

    private HubConsumer(HubConnection[] connections) => _connections = connections;

    public static async Task<HubConsumer> ConnectAsync(Uri hubRoot, int streams, int perConnection, bool messagePack, CancellationToken ct)
    {
        var count = (streams + perConnection - 1) / perConnection;
        var connections = new HubConnection[count];
        var url = new Uri(hubRoot, "/hubs/stream");
        var consumer = new HubConsumer(connections);
        try
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) =>
            {
                var builder = new HubConnectionBuilder()
                    .WithUrl(url, h =>
                    {
                        h.Transports = HttpTransportType.WebSockets;
                        h.SkipNegotiation = true;
                    })
                    .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error));
                if (messagePack)
                {
                    builder.AddMessagePackProtocol();
                }

                var connection = builder.Build();
                connection.ServerTimeout = TimeSpan.FromSeconds(60);
                connections[i] = connection;
                await connection.StartAsync(c);
            });
        }
        catch
        {
            await consumer.DisposeAsync();
            throw;
        }

        return consumer;
    }

    public async Task RunStreamAsync(int slot, StreamShape shape, Func<ITokenSink> begin, CancellationToken ct)
    {
        await Task.Yield();
        var connection = _connections[slot % _connections.Length];
        var request = new
        {
            prompt = Prompts.For(slot, shape.Tokens, shape.TokensPerSecond, shape.FirstTokenDelay),
            maxTokens = shape.Tokens,
        };
        var probe = begin();
        try
        {
            await foreach (var token in connection.StreamAsync<string>("Stream", request, ct))
            {
                probe.Token(Stopwatch.GetTimestamp(), Prompts.Stamp(token));
            }

            probe.Complete();
        }
        catch (HubException e)
        {
            probe.Fail(Prompts.Code(e.Message));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            probe.Fail("deadline");
        }
        catch (Exception e)
        {
            probe.Fail("client:" + e.GetType().Name);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
        }
    }
}
