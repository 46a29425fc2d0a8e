using System.Runtime.CompilerServices;
using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Observability;

namespace StreamHub.Streaming;

/// <summary>
/// One request from registration to release: its entry among the active requests, its metrics, its fan-out
/// and its token stream. The front door reads it token by token. When the caller leaves before the end, a
/// resumable request goes on without it (for <c>Fanout:ResumeGrace</c> at most) so that watchers get the
/// rest; any other request ends at once. Whichever way it ends, watchers and group members learn how, and
/// every lease is released exactly once.
/// </summary>
internal sealed class RequestRun(
    ActiveRequest active,
    StreamObservation observed,
    FanoutSession fan,
    IAsyncEnumerator<string> tokens,
    bool resumable,
    ILogger logger)
{
    // What watchers and group members learn: null on success, the code otherwise ("aborted" when the
    // caller left and nothing else was learned).
    private string? _endCode = ErrorCodes.Aborted;
    private bool _ended;

    public string Current => tokens.Current;

    /// <summary>
    /// The next token, counted and fanned out before the caller sees it; false at the normal end. A failure
    /// ends the run and is rethrown, as the contract's coded exception where it has a code.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> MoveNextAsync()
    {
        try
        {
            if (!await tokens.MoveNextAsync())
            {
                End(null);
                observed.Completed();
                return false;
            }
        }
        catch (OperationCanceledException) when (active.AbortReason is { } reason)
        {
            // An operator or shutdown ended it, not the caller: say so with the contract code.
            End(reason.Code);
            observed.Failed(reason.Code);
            throw reason;
        }
        catch (StreamHubException ex)
        {
            End(ex.Code);
            observed.Failed(ex.Code);
            throw;
        }
        catch (OperationCanceledException)
        {
            // The caller left (a resumable request: its grace ran out).
            End(ErrorCodes.Aborted);
            throw;
        }
        catch (Exception)
        {
            End(ErrorCodes.UpstreamError);
            throw;
        }

        observed.Token();
        await fan.PublishAsync(tokens.Current);
        return true;
    }

    /// <summary>
    /// The caller stops reading. After the end, or for a request that is not resumable, everything is
    /// released now (an unfinished upstream request ends). A resumable request that has not ended goes on in
    /// the background until it ends or its grace runs out.
    /// </summary>
    public ValueTask LeaveAsync()
    {
        if (_ended || !resumable)
        {
            return ReleaseAsync();
        }

        active.CallerLeft();
        _ = Task.Run(ContinueWithoutCallerAsync);
        return ValueTask.CompletedTask;
    }

    private async Task ContinueWithoutCallerAsync()
    {
        try
        {
            while (await MoveNextAsync())
            {
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or StreamHubException)
        {
            // The end code tells the watchers how it ended.
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Request {RequestId} failed unexpectedly after its caller left", active.Id);
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    private void End(string? code)
    {
        _ended = true;
        _endCode = code;
    }

    /// <summary>Watchers learn the end first; then the upstream and its leases go, then the metrics, then the entry.</summary>
    private async ValueTask ReleaseAsync()
    {
        try
        {
            await fan.CompleteAsync(_endCode);
        }
        finally
        {
            try
            {
                await tokens.DisposeAsync();
            }
            finally
            {
                observed.Dispose();
                active.Dispose();
            }
        }
    }
}
