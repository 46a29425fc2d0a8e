namespace StreamHub.Emulator.Completions;

/// <summary>
/// Waits until each token is due on an absolute schedule (first token after the TTFT, then one every
/// 1/rate), so timer granularity does not lower high token rates. While waiting it can send SSE comments.
/// </summary>
internal sealed class TokenPacer(TimeProvider time, SseEventWriter events, TimeSpan firstTokenDelay, double tokensPerSecond, TimeSpan? keepAlive)
{
    private readonly long _start = time.GetTimestamp();
    private int _sent;

    /// <summary>Waits for the next token's slot.</summary>
    public ValueTask NextAsync(CancellationToken ct)
    {
        var due = firstTokenDelay + TimeSpan.FromSeconds(_sent / tokensPerSecond);
        _sent++;
        return WaitUntilAsync(due, ct);
    }

    /// <summary>Never returns normally: keep-alive comments (or silence) until the client leaves.</summary>
    public async Task IdleForeverAsync(bool sendKeepAlives, CancellationToken ct)
    {
        if (!sendKeepAlives)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
        }

        var interval = keepAlive ?? TimeSpan.FromSeconds(1);
        while (true)
        {
            await Task.Delay(interval, time, ct);
            await events.SendKeepAliveAsync(ct);
        }
    }

    private async ValueTask WaitUntilAsync(TimeSpan due, CancellationToken ct)
    {
        while (true)
        {
            var remaining = due - time.GetElapsedTime(_start);
            if (remaining <= TimeSpan.Zero)
            {
                return;
            }

            if (keepAlive is not { } interval || remaining <= interval)
            {
                await Task.Delay(remaining, time, ct);
                return;
            }

            await Task.Delay(interval, time, ct);
            await events.SendKeepAliveAsync(ct);
        }
    }
}
