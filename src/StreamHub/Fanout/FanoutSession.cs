using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>One request's fan-out, fed by the request's own stream in token order.</summary>
internal sealed class FanoutSession(IWatchWriter watch, GroupSender? groupSender, long afterSeq = 0) : IAsyncDisposable
{
    private long _seq = afterSeq;
    private bool _completed;

    /// <summary>Tokens published so far (read by the operators' request list from another thread).</summary>
    public long Seq => Volatile.Read(ref _seq);

    public ValueTask PublishAsync(string text)
    {
        var seq = ++_seq;
        watch.Append(seq, text);
        return groupSender?.SendTokenAsync(seq, text) ?? ValueTask.CompletedTask;
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
