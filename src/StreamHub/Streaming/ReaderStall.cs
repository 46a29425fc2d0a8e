using System.Threading.Channels;

namespace StreamHub.Streaming;

/// <summary>
/// Waits for room in a stream's full buffer, but not for ever: a reader that lets its buffer stay full for
/// <c>Streaming:StalledReaderTimeout</c> has stopped reading, and a request whose upstream's
/// <c>Upstream:Timeouts:Total</c> runs out while its reader holds it back must end too (the upstream read it would
/// otherwise time out is not happening). On the injected clock.
/// </summary>
internal static class ReaderStall
{
    /// <summary>Why the wait ended.</summary>
    public enum Outcome
    {
        /// <summary>The reader made room.</summary>
        Room,

        /// <summary>The buffer was completed meanwhile.</summary>
        Closed,

        /// <summary>The buffer stayed full for the stall limit: the reader stopped reading.</summary>
        Stalled,

        /// <summary>The request's total time ran out first.</summary>
        TotalElapsed,

        /// <summary>The request ended meanwhile (an operator, its tenant, shutdown).</summary>
        RequestEnded,
    }

    /// <summary>
    /// Waits until <paramref name="writer"/> has room. The caller's own cancel throws; everything else is an
    /// <see cref="Outcome"/>.
    /// </summary>
    /// <param name="totalLeft">What is left of the request's total time; null for no such bound (a watcher).</param>
    public static async ValueTask<Outcome> WaitForRoomAsync<T>(
        ChannelWriter<T> writer,
        TimeSpan stallLimit,
        TimeSpan? totalLeft,
        TimeProvider timeProvider,
        CancellationToken requestEnded,
        CancellationToken callerToken)
    {
        var byTotal = totalLeft is { } left && left < stallLimit;
        var wait = byTotal ? Max(totalLeft!.Value, TimeSpan.Zero) : stallLimit;
        using var timeout = new CancellationTokenSource(wait, timeProvider);
        using var any = CancellationTokenSource.CreateLinkedTokenSource(callerToken, requestEnded, timeout.Token);
        try
        {
            return await writer.WaitToWriteAsync(any.Token) ? Outcome.Room : Outcome.Closed;
        }
        catch (OperationCanceledException) when (!callerToken.IsCancellationRequested)
        {
            return requestEnded.IsCancellationRequested ? Outcome.RequestEnded
                : byTotal ? Outcome.TotalElapsed
                : Outcome.Stalled;
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
