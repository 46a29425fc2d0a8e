using StreamHub.Contracts;
using StreamHub.Fanout;
using StreamHub.Observability;

namespace StreamHub.Streaming;

/// <summary>
/// One request from registration to release: its entry among the active requests, its metrics, its fan-out
/// and its event stream. The front door reads it event by event. When the caller leaves before the end, a
/// resumable request goes on without it (for <c>Fanout:ResumeGrace</c> at most) so that watchers get the
/// rest; any other request ends at once. Whichever way it ends, watchers and group members learn how, and
/// every lease is released exactly once.
/// </summary>
internal sealed class RequestRun
{
    private readonly ActiveRequest _active;
    private readonly StreamObservation _observed;
    private readonly FanoutSession _fan;
    private readonly IAsyncEnumerator<CompletionEvent> _events;
    private readonly IAsyncEnumerator<CompletionEvent> _published;
    private readonly bool _resumable;
    private readonly ILogger _logger;

    // What watchers and group members learn: null on success, the code otherwise ("aborted" when the
    // caller left and nothing else was learned).
    private string? _endCode = ErrorCodes.Aborted;
    private bool _ended;

    public RequestRun(
        ActiveRequest active, StreamObservation observed, FanoutSession fan, IAsyncEnumerator<CompletionEvent> events, bool resumable, ILogger logger)
    {
        _active = active;
        _observed = observed;
        _fan = fan;
        _events = events;
        _resumable = resumable;
        _logger = logger;
        _published = PublishedAsync().GetAsyncEnumerator();
    }

    public CompletionEvent Current => _published.Current;

    /// <summary>
    /// The next event, numbered, counted and fanned out before the caller sees it; false at the normal end. A failure
    /// ends the run and is rethrown, as the contract's coded exception where it has a code.
    /// </summary>
    /// <remarks>Iterators awaiting iterators allocate nothing per event; an async method here would.</remarks>
    public ValueTask<bool> MoveNextAsync() => _published.MoveNextAsync();

    /// <summary>
    /// The caller stops reading. After the end, or for a request that is not resumable, everything is
    /// released now (an unfinished upstream request ends). A resumable request that has not ended goes on in
    /// the background until it ends or its grace runs out.
    /// </summary>
    public ValueTask LeaveAsync()
    {
        if (_ended || !_resumable)
        {
            return ReleaseAsync();
        }

        _active.CallerLeft();
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
            _logger.LogError(ex, "Request {RequestId} failed unexpectedly after its caller left", _active.Id);
        }
        finally
        {
            await ReleaseAsync();
        }
    }

    /// <summary>The upstream's events, each numbered, counted and fanned out; records how the stream ended.</summary>
    private async IAsyncEnumerable<CompletionEvent> PublishedAsync()
    {
        while (true)
        {
            try
            {
                if (!await _events.MoveNextAsync())
                {
                    End(null);
                    _observed.Completed();
                    break;
                }
            }
            catch (OperationCanceledException) when (_active.AbortReason is { } reason)
            {
                // An operator or shutdown ended it, not the caller: say so with the contract code.
                End(reason.Code);
                _observed.Failed(reason.Code);
                throw reason;
            }
            catch (StreamHubException ex)
            {
                End(ex.Code);
                _observed.Failed(ex.Code);
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

            var numbered = _fan.Number(_events.Current);
            if (numbered.IsContent)
            {
                _observed.Token();
            }

            await _fan.PublishAsync(numbered);
            yield return numbered;
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
            await _fan.CompleteAsync(_endCode);
        }
        finally
        {
            try
            {
                await _published.DisposeAsync();
                await _events.DisposeAsync();
            }
            finally
            {
                _observed.Dispose();
                _active.Dispose();
            }
        }
    }
}
