namespace StreamHub.Observability;

/// <summary>
/// Tokens per second over the last few whole seconds: one counter per second in a small ring, so the
/// per-token cost is an interlocked increment (and a reset once a second).
/// </summary>
internal sealed class TokenRate(TimeProvider time, int seconds = 10)
{
    private readonly long[] _second = new long[seconds];
    private readonly long[] _count = new long[seconds];
    private readonly Lock _lock = new();

    public void Add()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var slot = (int)(now % _count.Length);
        if (Volatile.Read(ref _second[slot]) != now)
        {
            lock (_lock)
            {
                if (_second[slot] != now)
                {
                    _count[slot] = 0;
                    Volatile.Write(ref _second[slot], now);
                }
            }
        }

        Interlocked.Increment(ref _count[slot]);
    }

    /// <summary>The average over the completed seconds of the window (the current one is still filling).</summary>
    public double PerSecond()
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        long total = 0;
        for (var i = 0; i < _count.Length; i++)
        {
            var second = Volatile.Read(ref _second[i]);
            if (second < now && second >= now - (_count.Length - 1))
            {
                total += Interlocked.Read(ref _count[i]);
            }
        }

        return Math.Round(total / (double)(_count.Length - 1), 1);
    }
}
