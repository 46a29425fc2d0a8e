using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Where a request's events are kept so that watchers on any instance can replay and tail them: in
/// memory for one instance, a Redis Stream per request when several instances share Redis.
/// </summary>
internal interface IWatchStore
{
    /// <summary>Starts a request's buffer; the writer is called from the request's own stream only.</summary>
    IWatchWriter Open(string requestId, string tenant);

    /// <summary>
    /// The events after <paramref name="afterSeq"/>, each with its <see cref="CompletionEvent.Seq"/>: first those
    /// already kept, then live ones, then the end (normal completion, or a <c>StreamHubException</c> with the
    /// request's code).
    /// </summary>
    IAsyncEnumerable<CompletionEvent> WatchAsync(string requestId, string tenant, long afterSeq, CancellationToken cancellationToken);

    /// <summary>
    /// The events kept so far, without waiting for more (empty when none were written): how a survivor reads the
    /// partial answer of a request whose instance died.
    /// </summary>
    ValueTask<WatchTranscript> ReadAsync(string requestId, CancellationToken cancellationToken);
}
