namespace StreamHub.Tests.Infrastructure;

/// <summary>
/// The one bound on every await in the tests and the one way to wait for a condition that becomes true on
/// its own (real time, polled): a test that hangs fails after <see cref="Timeout"/> instead.
/// </summary>
public static class Waits
{
    /// <summary>The default bound on each await: generous, because the machine running the tests may be loaded.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    /// <summary>How often <see cref="EventuallyAsync(Func{Task{bool}}, string, TimeSpan?)"/> looks again.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(10);

    /// <summary>Polls <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> after <paramref name="within"/> (<see cref="Timeout"/> by default).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null)
    {
        var bound = within ?? Timeout;
        var deadline = DateTime.UtcNow + bound;
        while (!await condition().WaitAsync(Timeout))
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {bound.TotalSeconds:0.#} s waiting: {what}");

            // Polling a condition that real time makes true (a socket closing, a counter moving); not a guess.
            await Task.Delay(PollInterval);
        }
    }

    /// <inheritdoc cref="EventuallyAsync(Func{Task{bool}}, string, TimeSpan?)"/>
    public static Task EventuallyAsync(Func<bool> condition, string what, TimeSpan? within = null)
        => EventuallyAsync(() => Task.FromResult(condition()), what, within);
}
