using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;

namespace StreamHub.Tests.Infrastructure;

/// <summary>Reading hub streams to their end, every wait bounded; shared by the tests that stream.</summary>
public static class Streams
{
    /// <summary>Reads a stream to its end; returns the items (throws the stream's HubException).</summary>
    public static async Task<List<T>> ReadToEndAsync<T>(ChannelReader<T> reader)
    {
        var items = new List<T>();
        while (await reader.WaitToReadAsync().AsTask().WaitAsync(Waits.Timeout))
        {
            while (reader.TryRead(out var item))
            {
                items.Add(item);
            }
        }

        return items;
    }

    /// <summary>Calls <c>Stream(request)</c> and reads the tokens to the end.</summary>
    public static async Task<List<string>> ReadAllAsync(HubConnection connection, object? request)
    {
        var reader = await connection.StreamAsChannelAsync<string>("Stream", request).WaitAsync(Waits.Timeout);
        return await ReadToEndAsync(reader);
    }

    /// <summary>Calls <c>Watch(requestId, afterSeq)</c> and reads the items to the end.</summary>
    public static async Task<List<StreamEvent>> WatchAllAsync(HubConnection connection, string requestId, long afterSeq)
    {
        var reader = await connection.StreamAsChannelAsync<StreamEvent>("Watch", requestId, afterSeq).WaitAsync(Waits.Timeout);
        return await ReadToEndAsync(reader);
    }
}
