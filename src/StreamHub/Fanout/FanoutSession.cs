using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// One request's fan-out, fed by the request's own stream in order. It numbers every event of the request
/// (text, reasoning, refusal, tool call, finish, usage) from 1 with no gaps: the <c>seq</c> every caller,
/// watcher and group member sees. A survivor going on with a dead instance's request numbers on from the
/// last <c>seq</c> already published (<paramref name="afterSeq"/>).
/// </summary>
internal sealed class FanoutSession(IWatchWriter watch, GroupSender? groupSender, long afterSeq = 0) : IAsyncDisposable
{
    private long _seq = afterSeq;
    private bool _completed;

    /// <summary>Events numbered so far (read by the operators' request list from another thread).</summary>
    public long Seq => Volatile.Read(ref _seq);

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
        watch.Append(item);
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
        watch.Complete(code);
        if (groupSender is not null)
        {
            await groupSender.CompleteAsync(code);
        }
    }

    public ValueTask DisposeAsync() => CompleteAsync(ErrorCodes.Aborted);
}
