using System.Net.ServerSentEvents;

namespace StreamHub.Upstream;

/// <summary>
/// An upstream response that has produced its first event: the SSE enumerator over its body, the
/// watchdog that enforces the idle timeout between data events, and everything to release at the end.
/// Disposing it before the body is read to the end closes the connection, which ends the upstream request.
/// </summary>
internal sealed class UpstreamStream(
    UpstreamRegion region,
    ModelRoute route,
    HttpResponseMessage response,
    IAsyncEnumerator<SseItem<UpstreamChunk>> events,
    IdleWatchdog watchdog,
    CancellationTokenSource readToken,
    UpstreamChunk first) : IAsyncDisposable
{
    private bool _firstTaken;
    private int _disposed;

    public UpstreamRegion Region => region;

    /// <summary>The model the upstream reported on its first content event, if it named one.</summary>
    public string? Model => first.Model;

    /// <summary>The catalog's model this stream answers (the request's, or a fallback).</summary>
    public ModelRoute Route => route;

    /// <summary>The name the region was asked for: what prices are looked up by first.</summary>
    public string UpstreamModel => route.UpstreamNameFor(region);

    /// <summary>Whether the idle watchdog (not the caller, not the total timeout) ended the last read.</summary>
    public bool IdleTimedOut => watchdog.TimedOut;

    /// <summary>The next event, or null when the body ended.</summary>
    /// <remarks>
    /// Called once per token and nearly always suspends (the socket waits for the next event), so a plain
    /// async ValueTask would allocate its state-machine box every time; the pooling builder reuses boxes.
    /// The one caller awaits each result exactly once, which is all the pooling builder asks.
    /// </remarks>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<UpstreamChunk?> ReadAsync()
    {
        if (!_firstTaken)
        {
            _firstTaken = true;
            return first;
        }

        // Only the read itself is watched: a slow caller (backpressure) is not a silent upstream. A keep-alive
        // (Anthropic's ping) is read past inside the same watched read: it is not life.
        watchdog.ReadStarted();
        bool more;
        while ((more = await events.MoveNextAsync()) && events.Current.Data.IsKeepAlive)
        {
        }

        watchdog.ReadEnded();
        return more ? events.Current.Data : null;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        region.StreamClosed();
        try
        {
            await events.DisposeAsync();
        }
        catch (Exception) when (readToken.IsCancellationRequested)
        {
            // The read was cancelled: nothing left to release in the parser.
        }
        finally
        {
            response.Dispose();
            readToken.Dispose();
            watchdog.Dispose();
        }
    }
}
