namespace StreamHub.Emulator;

/// <summary>
/// Runs one answering request: counted open from start to <c>finally</c> (what lets tests prove no upstream
/// request outlives its caller), ended at once when the emulator stops, counted completed or aborted.
/// </summary>
internal static class StreamRunner
{
    /// <param name="serve">Gets the request number and the token; returns true when it ended by aborting the connection.</param>
    public static async Task RunAsync(HttpContext http, EmulatorState state, IHostApplicationLifetime lifetime, Func<long, CancellationToken, Task<bool>> serve)
    {
        // Stopping the emulator must end stalled streams at once rather than wait out the shutdown timeout.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var seq = state.BeginRequest();
        var aborted = false;
        try
        {
            aborted = await serve(seq, linked.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException)
        {
            aborted = true;
            if (!http.RequestAborted.IsCancellationRequested)
            {
                // We are stopping, not the client: make the cut visible instead of a clean end.
                http.Abort();
            }
        }
        finally
        {
            state.EndRequest(aborted);
        }
    }
}
