using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Where a request's events are kept so that watchers on any instance can replay and tail them: in
/// memory for one instance, a Redis Stream per request when several instances share Redis. A buffer belongs
/// to its scope (<see cref="Identity.Caller.Scope"/>: a tenant, or one anonymous connection) and id together:
/// another scope's request of the same id is another buffer, and a watcher only ever finds its own scope's.
/// </summary>
internal interface IWatchStore
{
    /// <summary>
    /// Starts a request's buffer, replacing an earlier one of the same scope and id; the writer is called from
    /// the request's own stream only.
    /// </summary>
    IWatchWriter Open(string requestId, string scope);

    /// <summary>
    /// Writes on after the events a buffer already holds (a survivor going on with a dead instance's request):
    /// nothing kept is replaced, and a buffer that is gone starts again.
    /// </summary>
    IWatchWriter Continue(string requestId, string scope);

    /// <summary>
    /// The events after <paramref name="afterSeq"/> of <paramref name="scope"/>'s request, each with its
    /// <see cref="CompletionEvent.Seq"/>: first those already kept, then live ones, then the end (normal completion,
    /// or a <c>StreamHubException</c> with the request's code). No such request of this scope:
    /// <c>invalid_request</c>, whether or not another scope has one.
    /// </summary>
    IAsyncEnumerable<CompletionEvent> WatchAsync(string requestId, string scope, long afterSeq, CancellationToken cancellationToken);

    /// <summary>
    /// The events <paramref name="scope"/>'s request kept so far, without waiting for more (empty when none were
    /// written): how a survivor reads the partial answer of a request whose instance died.
    /// </summary>
    ValueTask<WatchTranscript> ReadAsync(string requestId, string scope, CancellationToken cancellationToken);
}
