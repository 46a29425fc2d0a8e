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
internal sealed class RequestRun
{
    private readonly ActiveRequest _active;
    private readonly StreamObservation _observed;
    private readonly FanoutSession _fan;
    private readonly IAsyncEnumerator<string> _tokens;
    private readonly IAsyncEnumerator<string> _published;
    private readonly bool _resumable;
    private readonly ILogger _logger;

    // What watchers and group members learn: null on success, the code otherwise ("aborted" when the
    // caller left and nothing else was learned).
    private string? _endCode = ErrorCodes.Aborted;
    private bool _ended;

    public RequestRun(
        ActiveRequest active, StreamObservation observed, FanoutSession fan, IAsyncEnumerator<string> tokens, bool resumable, ILogger logger)
    {
        _active = active;
        _observed = observed;
        _fan = fan;
        _tokens = tokens;
        _resumable = resumable;
        _logger = logger;
        _published = PublishedAsync().GetAsyncEnumerator();
    }

    public string Current => _published.Current;

    /// <summary>
    /// The next token, counted and fanned out before the caller sees it; false at the normal end. A failure
    /// ends the run and is rethrown, as the contract's coded exception where it has a code.
    /// </summary>
    /// <remarks>Iterators awaiting iterators allocate nothing per token; an async method here would.</remarks>
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

    /// <summary>The upstream's tokens, each counted and fanned out; records how the stream ended.</summary>
    private async IAsyncEnumerable<string> PublishedAsync()
    {
        while (true)
        {
            try
            {
                if (!await _tokens.MoveNextAsync())
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

            _observed.Token();
            await _fan.PublishAsync(_tokens.Current);
            yield return _tokens.Current;
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
                await _tokens.DisposeAsync();
            }
            finally
            {
                _observed.Dispose();
                _active.Dispose();
            }
        }
    }
}
