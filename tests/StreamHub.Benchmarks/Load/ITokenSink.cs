namespace StreamHub.Benchmarks.Load;

/// <summary>What a consumer reports about one stream: each token as it arrives, then how the stream ended.</summary>
internal interface ITokenSink
{
    /// <param name="now">Arrival (Stopwatch ticks).</param>
    /// <param name="emitted">The emulator's emit stamp of this token (Stopwatch ticks), 0 when it had none.</param>
    void Token(long now, long emitted);

    void Complete();

    void Fail(string code);
}
