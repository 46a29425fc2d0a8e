namespace StreamHub.Benchmarks.Load;

/// <summary>A client of one peer that runs one stream at a time per call; many calls run at once.</summary>
internal interface IStreamConsumer : IAsyncDisposable
{
    /// <summary>Runs stream <paramref name="slot"/> to its end; <paramref name="begin"/> is called as the request starts.</summary>
    Task RunStreamAsync(int slot, StreamShape shape, Func<ITokenSink> begin, CancellationToken ct);
}
