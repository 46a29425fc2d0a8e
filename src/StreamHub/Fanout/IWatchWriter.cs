using StreamHub.Contracts;

namespace StreamHub.Fanout;

internal interface IWatchWriter
{
    /// <summary>Keeps one numbered event; called in <see cref="CompletionEvent.Seq"/> order from the request's own stream.</summary>
    void Append(CompletionEvent item);

    /// <summary>Ends the buffer; <paramref name="code"/> is null on success.</summary>
    void Complete(string? code);
}
