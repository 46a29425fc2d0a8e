using System.Threading.Channels;

namespace StreamHub.Tests.Infrastructure;

/// <summary>Reading a hub stream to its end, every wait bounded; shared by the tests that stream.</summary>
public static class Streams
{
    /// <summary>Reads a stream to its end; returns the items (throws the stream's HubException).</summary>
    public static async Task<List<T>> ReadToEndAsync<T>(ChannelReader<T> reader)
    {
        var items = new List<T>();
        while (await reader.WaitToReadAsync().AsTask().WaitAsync(StreamHubServer.Timeout))
        {
            while (reader.TryRead(out var item))
            {
                items.Add(item);
            }
        }

        return items;
    }
}
