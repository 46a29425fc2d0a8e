using System.Diagnostics;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging;

namespace StreamHub.Benchmarks.Load;

/// <summary>N streams through StreamHub's hub, spread over connections of up to <c>--per-connection</c> streams each, over WebSockets.</summary>
internal static class HubLoad
{
    public static async Task RunAsync(Uri hubRoot, LoadOptions o, int streams, int tokens, double tps, TimeSpan firstTokenDelay, TimeSpan ramp, PhaseRecorder recorder, CancellationToken ct)
    {
        var count = (streams + o.PerConnection - 1) / o.PerConnection;
        var connections = new HubConnection[count];
        var url = new Uri(hubRoot, "/hubs/stream");
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = ct }, async (i, c) =>
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(url, h =>
                {
                    h.Transports = HttpTransportType.WebSockets;
                    h.SkipNegotiation = true;
                })
                .ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Error))
                .Build();
            connection.ServerTimeout = TimeSpan.FromSeconds(60);
            await connection.StartAsync(c);
            connections[i] = connection;
        });

        try
        {
            recorder.MarkStart();
            var tasks = await Starter.StartAllAsync(streams, ramp, i => RunStreamAsync(connections[i % count], i, tokens, tps, firstTokenDelay, recorder, ct), ct);
            await Task.WhenAll(tasks);
            recorder.MarkEnd();
        }
        finally
        {
            foreach (var connection in connections)
            {
                if (connection is not null)
                {
                    await connection.DisposeAsync();
                }
            }
        }
    }

    private static async Task RunStreamAsync(HubConnection connection, int slot, int tokens, double tps, TimeSpan firstTokenDelay, PhaseRecorder recorder, CancellationToken ct)
    {
        await Task.Yield();
        var request = new
        {
            prompt = Prompts.For(slot, tokens, tps, firstTokenDelay),
            maxTokens = tokens,
        };
        var probe = recorder.Begin(slot);
        try
        {
            await foreach (var _ in connection.StreamAsync<string>("Stream", request, ct))
            {
                probe.Token(Stopwatch.GetTimestamp());
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
}

/// <summary>Starts streams on a linear ramp, so N streams do not all open in the same millisecond.</summary>
internal static class Starter
{
    public static async Task<Task[]> StartAllAsync(int streams, TimeSpan ramp, Func<int, Task> start, CancellationToken ct)
    {
        var tasks = new Task[streams];
        var t0 = Stopwatch.GetTimestamp();
        for (var i = 0; i < streams; i++)
        {
            var due = ramp * ((double)i / streams);
            var wait = due - Stopwatch.GetElapsedTime(t0);
            if (wait > TimeSpan.FromMilliseconds(2))
            {
                await Task.Delay(wait, ct);
            }

            tasks[i] = start(i);
        }

        return tasks;
    }
}

/// <summary>The prompt every stream sends: distinct text per stream, and the schedule as an emulator directive.</summary>
internal static class Prompts
{
    public static string For(int slot, int tokens, double tps, TimeSpan firstTokenDelay)
        => FormattableString.Invariant($"benchmark stream {slot} [emulator: tps={tps} tokens={tokens} ttft-ms={(int)firstTokenDelay.TotalMilliseconds}]");

    /// <summary>"queue_full: the normal queue..." becomes "queue_full".</summary>
    public static string Code(string message)
    {
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 40 ? message[..colon] : "uncoded";
    }
}
