using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// One request's fan-out, fed by the request's own stream in order. It numbers every event of the request
/// (text, reasoning, refusal, tool call, finish, usage) from 1 with no gaps: the <c>seq</c> every caller,
/// watcher and group member sees. The watch buffer opens only once the request has passed its limits
/// (<see cref="OpenWatch"/>), and a request admission refuses discards it (<see cref="Refused"/>): a refused request
/// costs no buffer and leaves nothing watchable behind. A survivor going on with a dead instance's request writes
/// on in the buffer it found (<paramref name="continued"/>) and numbers on from the last <c>seq</c> already published
/// (<paramref name="afterSeq"/>).
/// </summary>
internal sealed class FanoutSession(
    IWatchStore store, string requestId, string scope, GroupSender? groupSender, IWatchWriter? continued = null, long afterSeq = 0)
    : IAsyncDisposable
{
    private readonly bool _continued = continued is not null;
    private IWatchWriter? _watch = continued;
    private long _seq = afterSeq;
    private bool _completed;

    /// <summary>Events numbered so far (read by the operators' request list from another thread).</summary>
    public long Seq => Volatile.Read(ref _seq);

    /// <summary>Opens the request's watch buffer: from now on its scope can watch it (while it queues, too).</summary>
    public void OpenWatch() => _watch ??= store.Open(requestId, scope);

    /// <summary>
    /// Admission refused the request: its buffer goes (watchers already waiting learn <paramref name="code"/>). A
    /// continued buffer holds what the dead instance published: it stays, and ends with the code.
    /// </summary>
    public void Refused(string code)
    {
        if (!_continued)
        {
            _watch?.Discard(code);
            _watch = null;
        }
    }

    /// <summary>The event with the request's next number.</summary>
    public CompletionEvent Number(CompletionEvent item)
    {
        var seq = _seq + 1;
        Volatile.Write(ref _seq, seq);
        return item with { Seq = seq };
    }

    /// <summary>Keeps a numbered event for watchers and sends it to the group, if the request has one.</summary>
    public ValueTask PublishAsync(CompletionEvent item)
    {
        _watch?.Append(item);
        return groupSender?.SendAsync(item) ?? ValueTask.CompletedTask;
    }

    /// <summary>Ends the fan-out; <paramref name="code"/> is null on success.</summary>
    public async ValueTask CompleteAsync(string? code)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        _watch?.Complete(code);
        if (groupSender is not null)
        {
            await groupSender.CompleteAsync(code);
        }
    }

    public ValueTask DisposeAsync() => CompleteAsync(ErrorCodes.Aborted);
}
