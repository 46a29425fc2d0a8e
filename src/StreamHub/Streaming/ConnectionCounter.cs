using Microsoft.AspNetCore.SignalR;

namespace StreamHub.Streaming;

/// <summary>
/// One count per connection (streams, watches): SignalR caps neither, so the hub does. Kept in the connection's
/// <see cref="HubCallerContext.Items"/>, which lives as long as the connection; the hub instance does not.
/// </summary>
internal sealed class ConnectionCounter
{
    private int _value;

    public static ConnectionCounter For(HubCallerContext context, object key)
    {
        lock (context.Items)
        {
            if (context.Items.TryGetValue(key, out var existing) && existing is ConnectionCounter counter)
            {
                return counter;
            }

            counter = new ConnectionCounter();
            context.Items[key] = counter;
            return counter;
        }
    }

    /// <summary>Takes one, unless <paramref name="max"/> are taken.</summary>
    public bool TryTake(int max)
    {
        if (Interlocked.Increment(ref _value) <= max)
        {
            return true;
        }

        Interlocked.Decrement(ref _value);
        return false;
    }

    public void Return() => Interlocked.Decrement(ref _value);
}
