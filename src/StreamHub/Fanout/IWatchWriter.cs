using StreamHub.Contracts;

namespace StreamHub.Fanout;

internal interface IWatchWriter
{
    /// <summary>Keeps one numbered event; called in <see cref="CompletionEvent.Seq"/> order from the request's own stream.</summary>
    void Append(CompletionEvent item);

    /// <summary>Ends the buffer, kept for <c>Fanout:WatchExpiry</c>; <paramref name="code"/> is null on success.</summary>
    void Complete(string? code);

    /// <summary>
    /// Ends the buffer of a request that was refused before it ran (admission said no): watchers already waiting
    /// learn <paramref name="code"/>, and nothing is kept for anyone to watch afterwards.
    /// </summary>
    void Discard(string code);
}
