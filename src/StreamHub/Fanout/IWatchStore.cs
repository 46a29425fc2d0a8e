using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Where a request's events are kept so that watchers on any instance can replay and tail them: in
/// memory for one instance, a Redis Stream per request when several instances share Redis. A buffer belongs
/// to its tenant and id together: another tenant's request of the same id is another buffer, and a watcher
/// only ever finds its own tenant's.
/// </summary>
internal interface IWatchStore
{
    /// <summary>
    /// Starts a request's buffer, replacing an earlier one of the same tenant and id; the writer is called from
    /// the request's own stream only.
    /// </summary>
    IWatchWriter Open(string requestId, string tenant);

    /// <summary>
    /// The events after <paramref name="afterSeq"/> of <paramref name="tenant"/>'s request, each with its
    /// <see cref="CompletionEvent.Seq"/>: first those already kept, then live ones, then the end (normal completion,
    /// or a <c>StreamHubException</c> with the request's code). No such request of this tenant:
    /// <c>invalid_request</c>, whether or not another tenant has one.
    /// </summary>
    IAsyncEnumerable<CompletionEvent> WatchAsync(string requestId, string tenant, long afterSeq, CancellationToken cancellationToken);
}
