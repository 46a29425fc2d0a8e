using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>
/// When the host begins to stop, every running request ends at once with <c>shutting_down</c>, so its
/// caller knows to retry elsewhere instead of waiting on a stream that will be cut. The stopping
/// callback waits (briefly, bounded) for those ends to be written before SignalR closes the connections:
/// token callbacks run newest first, and this one is registered after SignalR's own.
/// </summary>
internal sealed class ShutdownNotice(IHostApplicationLifetime lifetime, ActiveRequests requests, ILogger<ShutdownNotice> logger) : IHostedService
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan FlushAllowance = TimeSpan.FromMilliseconds(150);
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
        using var drained = new ManualResetEventSlim();
        var deadline = Environment.TickCount64 + (long)Grace.TotalMilliseconds;
        while (requests.Count > 0 && Environment.TickCount64 < deadline)
        {
            drained.Wait(20);
        }

        // The pipeline has ended; give the hub a moment to write the completion frames.
        drained.Wait(FlushAllowance);
    }
}
