using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace StreamHub.Fanout;

/// <summary>
/// Watch buffers for a single instance: a bounded list of token strings per request (the strings the
/// caller already received, so appending allocates nothing per token), dropped <c>WatchExpiry</c> after
/// the request ends, or sooner, oldest first, when finished buffers hold more than
/// <c>Fanout:WatchRetainedTokens</c> tokens: memory follows the live streams, not the request rate.
/// </summary>
internal sealed class InMemoryWatchStore(IOptions<FanoutOptions> options, TimeProvider timeProvider) : IWatchStore
{
    private readonly ConcurrentDictionary<string, Buffer> _buffers = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<Buffer> _finished = new();
    private long _retainedTokens;

    public IWatchWriter Open(string requestId, string tenant)
    {
        var buffer = new Buffer(this, requestId, tenant, options.Value.WatchMaxLength);
        _buffers[requestId] = buffer;
        return buffer;
    }

    public async IAsyncEnumerable<WatchItem> WatchAsync(
        string requestId, string tenant, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_buffers.TryGetValue(requestId, out var buffer))
        {
            throw WatchErrors.NotFound(requestId);
        }

        if (!string.Equals(buffer.Tenant, tenant, StringComparison.Ordinal))
        {
            throw WatchErrors.Forbidden(requestId);
        }

        var next = Math.Max(1, afterSeq + 1);
        var batch = new List<WatchItem>();
        while (true)
        {
            var wait = buffer.Read(ref next, batch, out var ended, out var code);
            foreach (var item in batch)
            {
                yield return item;
            }

            if (batch.Count > 0)
            {
                batch.Clear();
                continue;
            }

            if (ended)
            {
                if (code is not null)
                {
                    throw WatchErrors.Ended(requestId, code);
                }

                yield break;
            }

            await wait.WaitAsync(cancellationToken);
        }
    }

    public ValueTask<WatchTranscript> ReadAsync(string requestId, CancellationToken cancellationToken)
    {
        if (!_buffers.TryGetValue(requestId, out var buffer))
        {
            return new(new WatchTranscript([], Ended: false));
        }

        var next = 1L;
        var items = new List<WatchItem>();
        buffer.Read(ref next, items, out var ended, out _);
        return new(new WatchTranscript(items, ended));
    }

    /// <summary>Tokens kept by finished buffers (what the retention budget bounds).</summary>
    internal long RetainedTokens => Interlocked.Read(ref _retainedTokens);

    private void Retain(Buffer buffer)
    {
        Interlocked.Add(ref _retainedTokens, buffer.Count);
        _finished.Enqueue(buffer);
        buffer.Timer = timeProvider.CreateTimer(
            static state => ((Buffer)state!).Release(),
            buffer,
            options.Value.WatchExpiry,
            Timeout.InfiniteTimeSpan);

        // Buffers expire in the order they finished, so the expired ones sit at the head: let them go.
        while (_finished.TryPeek(out var head) && head.IsReleased && _finished.TryDequeue(out _))
        {
        }

        // Over budget: drop the oldest finished buffers first.
        var budget = options.Value.WatchRetainedTokens;
        while (Interlocked.Read(ref _retainedTokens) > budget && _finished.TryDequeue(out var oldest))
        {
            oldest.Release();
        }
    }

    private void Forget(Buffer buffer)
    {
        _buffers.TryRemove(new KeyValuePair<string, Buffer>(buffer.RequestId, buffer));
        Interlocked.Add(ref _retainedTokens, -buffer.Count);
        buffer.Timer?.Dispose();
    }

    private sealed class Buffer(InMemoryWatchStore store, string requestId, string tenant, int capacity) : IWatchWriter
    {
        private readonly Lock _gate = new();
        private readonly List<string> _tokens = [];
        private long _firstSeq = 1;
        private bool _ended;
        private string? _code;
        private TaskCompletionSource? _signal;
        private int _released;

        public string RequestId => requestId;

        public bool IsReleased => Volatile.Read(ref _released) == 1;

        /// <summary>Tokens held (read after the end, when the list no longer changes).</summary>
        public int Count => _tokens.Count;

        public string Tenant => tenant;

        public ITimer? Timer { get; set; }

        public void Append(long seq, string text)
        {
            TaskCompletionSource? wake;
            lock (_gate)
            {
                // Tokens arrive in order from the request's own stream, so seq is implied by position.
                System.Diagnostics.Debug.Assert(seq == _firstSeq + _tokens.Count, "watch tokens out of order");
                _tokens.Add(text);
                if (_tokens.Count > capacity)
                {
                    // Trim a tenth at once so trimming stays amortized O(1) per token.
                    var drop = Math.Min(_tokens.Count, (capacity / 10) + 1);
                    _tokens.RemoveRange(0, drop);
                    _firstSeq += drop;
                }

                wake = _signal;
                _signal = null;
            }

            wake?.TrySetResult();
        }

        public void Complete(string? code)
        {
            TaskCompletionSource? wake;
            lock (_gate)
            {
                if (_ended)
                {
                    return;
                }

                _ended = true;
                _code = code;
                wake = _signal;
                _signal = null;
            }

            wake?.TrySetResult();
            store.Retain(this);
        }

        /// <summary>Leaves the store once, by expiry or by the retention budget, whichever comes first.</summary>
        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                store.Forget(this);
            }
        }

        /// <summary>Copies the tokens from <paramref name="next"/> on; returns what to await when none.</summary>
        public Task Read(ref long next, List<WatchItem> into, out bool ended, out string? code)
        {
            lock (_gate)
            {
                // Tokens older than the buffer keeps are gone: resume from the oldest kept.
                if (next < _firstSeq)
                {
                    next = _firstSeq;
                }

                for (var i = (int)(next - _firstSeq); i < _tokens.Count; i++)
                {
                    into.Add(new WatchItem(next++, _tokens[i]));
                }

                ended = _ended;
                code = _code;
                if (into.Count > 0 || _ended)
                {
                    return Task.CompletedTask;
                }

                _signal ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return _signal.Task;
            }
        }
    }
}
