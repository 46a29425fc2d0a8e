namespace StreamHub.Fanout;

internal interface IWatchWriter
{
    void Append(long seq, string text);

    /// <summary>Ends the buffer; <paramref name="code"/> is null on success.</summary>
    void Complete(string? code);
}
