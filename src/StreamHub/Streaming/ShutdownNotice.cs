using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// When the host begins to stop, every running request ends at once with <c>shutting_down</c>, so its
/// caller knows to retry elsewhere instead of waiting on a stream that will be cut. The stopping
/// callback waits (briefly, bounded, on the injected clock) for those ends to be written before SignalR
/// closes the connections: token callbacks run newest first, and this one is registered after SignalR's own.
/// </summary>
internal sealed class ShutdownNotice(
    IHostApplicationLifetime lifetime,
    ActiveRequests requests,
    TimeProvider timeProvider,
    ILogger<ShutdownNotice> logger) : IHostedService
{
    internal static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);
    internal static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(20);
    internal static readonly TimeSpan FlushAllowance = TimeSpan.FromMilliseconds(150);
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(NotifyAndWait);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }

    private void NotifyAndWait()
    {
        var ended = requests.AbortAll(ErrorCodes.ShuttingDown, "this StreamHub instance is stopping; retry in a few seconds");
        if (ended == 0)
        {
            return;
        }

        logger.LogInformation("Stopping: ended {Count} running request(s) with shutting_down", ended);
        var started = timeProvider.GetTimestamp();
        while (requests.Count > 0 && timeProvider.GetElapsedTime(started) < Grace)
        {
            Wait(Poll);
        }

        // The pipeline has ended; give the hub a moment to write the completion frames.
        Wait(FlushAllowance);
    }

    // The stopping callback must hold SignalR back, so it blocks; the clock is the injected one.
    private void Wait(TimeSpan delay) => Task.Delay(delay, timeProvider).GetAwaiter().GetResult();
}
