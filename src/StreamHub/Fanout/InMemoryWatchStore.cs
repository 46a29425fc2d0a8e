using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Watch buffers for a single instance: a bounded list of events per request, packed (<see cref="PackedEvents"/>: text
/// copied into a few blocks, so the caller's token strings die young instead of being kept one object per token),
/// dropped <c>WatchExpiry</c> after
/// the request ends, or sooner, oldest first, when finished buffers hold more than
/// <c>Fanout:WatchRetainedTokens</c> tokens: memory follows the live streams, not the request rate. Buffers
/// are keyed by scope and id, so a tenant (or an anonymous connection) only ever reaches its own.
/// </summary>
internal sealed class InMemoryWatchStore : IWatchStore, IDisposable
{
    private readonly ConcurrentDictionary<RequestKey, Buffer> _buffers = new();
    private readonly Queue<Buffer> _finished = new();
    private readonly IOptions<FanoutOptions> _options;
    private readonly TimeProvider _time;
    private readonly Lock _expiryGate = new();
    private readonly ITimer _expiry;
    private bool _expiryArmed;
    private long _retainedTokens;

    public InMemoryWatchStore(IOptions<FanoutOptions> options, TimeProvider timeProvider)
    {
        _options = options;
        _time = timeProvider;

        // One timer for every finished buffer, not one each: they expire in the order they finished, so it only ever
        // waits for the oldest (a timer per buffer took the runtime's timer-queue lock per request and kept the
        // request's execution context, log scope included, alive for the whole expiry). It keeps no context either.
        using (ExecutionContext.SuppressFlow())
        {
            _expiry = timeProvider.CreateTimer(static s => ((InMemoryWatchStore)s!).Expire(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    public IWatchWriter Open(string requestId, string scope)
    {
        var buffer = new Buffer(this, new RequestKey(scope, requestId), _options.Value.WatchMaxLength);
        _buffers[buffer.Key] = buffer;
        return buffer;
    }

    public IWatchWriter Continue(string requestId, string scope)
        => _buffers.TryGetValue(new RequestKey(scope, requestId), out var buffer) ? buffer : Open(requestId, scope);

    public async IAsyncEnumerable<CompletionEvent> WatchAsync(
        string requestId, string scope, long afterSeq, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        if (!_buffers.TryGetValue(new RequestKey(scope, requestId), out var buffer))
        {
            throw WatchErrors.NotFound(requestId);
        }

        var next = Math.Max(1, afterSeq + 1);
        var batch = new List<CompletionEvent>();
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

    public ValueTask<WatchTranscript> ReadAsync(string requestId, string scope, CancellationToken cancellationToken)
    {
        if (!_buffers.TryGetValue(new RequestKey(scope, requestId), out var buffer))
        {
            return new(new WatchTranscript([], Ended: false));
        }

        var next = 1L;
        var events = new List<CompletionEvent>();
        buffer.Read(ref next, events, out var ended, out _);
        return new(new WatchTranscript(events, ended));
    }

    /// <summary>Events kept by finished buffers (what the retention budget bounds).</summary>
    internal long RetainedTokens => Interlocked.Read(ref _retainedTokens);

    private void Retain(Buffer buffer)
    {
        buffer.Retained = true;
        Interlocked.Add(ref _retainedTokens, buffer.Count);

        // The queue changes only under the lock: it stays in expiry order, and a buffer is taken off it only by whoever
        // saw it at the head.
        lock (_expiryGate)
        {
            buffer.ExpiresAt = _time.GetTimestamp() + (long)(_options.Value.WatchExpiry.TotalSeconds * _time.TimestampFrequency);
            _finished.Enqueue(buffer);
            if (!_expiryArmed)
            {
                _expiryArmed = true;
                _expiry.Change(_options.Value.WatchExpiry, Timeout.InfiniteTimeSpan);
            }

            // Buffers expire in the order they finished, so the expired ones sit at the head: let them go.
            while (_finished.TryPeek(out var head) && head.IsReleased)
            {
                _finished.TryDequeue(out _);
            }

            // Over budget: drop the oldest finished buffers first.
            var budget = _options.Value.WatchRetainedTokens;
            while (Interlocked.Read(ref _retainedTokens) > budget && _finished.TryDequeue(out var oldest))
            {
                oldest.Release();
            }
        }
    }

    private void Forget(Buffer buffer)
    {
        _buffers.TryRemove(new KeyValuePair<RequestKey, Buffer>(buffer.Key, buffer));
        if (buffer.Retained)
        {
            Interlocked.Add(ref _retainedTokens, -buffer.Count);
        }
    }

    public void Dispose() => _expiry.Dispose();

    /// <summary>Releases the finished buffers whose expiry has come, oldest first, and waits for the next.</summary>
    private void Expire()
    {
        lock (_expiryGate)
        {
            var now = _time.GetTimestamp();
            while (_finished.TryPeek(out var head) && (head.IsReleased || head.ExpiresAt <= now))
            {
                _finished.TryDequeue(out _);
                head.Release();
            }

            _expiryArmed = _finished.TryPeek(out var next);
            if (_expiryArmed)
            {
                _expiry.Change(_time.GetElapsedTime(now, Math.Max(now, next!.ExpiresAt)), Timeout.InfiniteTimeSpan);
            }
        }
    }

    private sealed class Buffer(InMemoryWatchStore store, RequestKey key, int capacity) : IWatchWriter
    {
        private readonly Lock _gate = new();
        // Seq is implied by position.
        private readonly PackedEvents _events = new();
        private long _firstSeq = 1;
        private bool _ended;
        private string? _code;
        private TaskCompletionSource? _signal;
        private int _released;

        public RequestKey Key => key;

        public bool IsReleased => Volatile.Read(ref _released) == 1;

        /// <summary>Events held (read after the end, when the list no longer changes).</summary>
        public int Count => _events.Count;

        /// <summary>When a finished buffer expires (a <see cref="TimeProvider"/> timestamp).</summary>
        public long ExpiresAt { get; set; }

        /// <summary>Counted against the retention budget (finished, not discarded).</summary>
        public bool Retained { get; set; }

        public void Append(CompletionEvent item)
        {
            TaskCompletionSource? wake;
            lock (_gate)
            {
                // Events arrive in order from the request's own stream, so seq is implied by position; a buffer
                // started again for a survivor's continuation begins at the first seq it is given.
                if (_events.Count == 0 && _firstSeq == 1)
                {
                    _firstSeq = item.Seq;
                }

                System.Diagnostics.Debug.Assert(item.Seq == _firstSeq + _events.Count, "watch events out of order");
                _events.Add(item);
                if (_events.Count > capacity)
                {
                    // Trim a tenth at once so trimming stays amortized O(1) per event.
                    var drop = Math.Min(_events.Count, (capacity / 10) + 1);
                    _events.DropOldest(drop);
                    _firstSeq += drop;
                }

                wake = _signal;
                _signal = null;
            }

            wake?.TrySetResult();
        }

        public void Complete(string? code)
        {
            if (End(code))
            {
                store.Retain(this);
            }
        }

        public void Discard(string code)
        {
            // Watchers already waiting learn the code; nobody finds the buffer afterwards.
            if (End(code))
            {
                Release();
            }
        }

        private bool End(string? code)
        {
            TaskCompletionSource? wake;
            lock (_gate)
            {
                if (_ended)
                {
                    return false;
                }

                _ended = true;
                _code = code;
                wake = _signal;
                _signal = null;
            }

            wake?.TrySetResult();
            return true;
        }

        /// <summary>Leaves the store once, by expiry or by the retention budget, whichever comes first.</summary>
        public void Release()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                store.Forget(this);
            }
        }

        /// <summary>Copies the events from <paramref name="next"/> on; returns what to await when none.</summary>
        public Task Read(ref long next, List<CompletionEvent> into, out bool ended, out string? code)
        {
            lock (_gate)
            {
                // Events older than the buffer keeps are gone: resume from the oldest kept.
                if (next < _firstSeq)
                {
                    next = _firstSeq;
                }

                for (var i = (int)(next - _firstSeq); i < _events.Count; i++)
                {
                    into.Add(_events[i] with { Seq = next });
                    next++;
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
