using System.Collections.Concurrent;
using System.Diagnostics;

namespace StreamHub.Benchmarks.Load;

/// <summary>
/// What one phase (one peer) saw, stream by stream. Each token gives two figures: its transport time (arrival
/// minus the emulator's emit stamp in the token: what the path from the emulator to the client cost), and its
/// lateness against the emulator's absolute schedule (token k is due at start + FirstTokenDelay + k/R, where
/// start is when the client began the request; this also counts the peer's set-up before the first token).
/// </summary>
internal sealed class PhaseRecorder(int streams, int tokens, double tokensPerSecond, TimeSpan firstTokenDelay)
{
    private static readonly double MsPerTick = 1000.0 / Stopwatch.Frequency;

    private readonly float[][] _lateness = new float[streams][];
    private readonly float[][] _interToken = new float[streams][];
    private readonly float[][] _transport = new float[streams][];
    private readonly double[] _firstTransportMs = Fill(streams);
    private readonly double[] _ttftMs = Fill(streams);
    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly double _periodMs = 1000.0 / tokensPerSecond;
    private readonly double _firstMs = firstTokenDelay.TotalMilliseconds;
    private long _tokens;
    private int _active;
    private int _peakActive;
    private int _completed;
    private int _failed;
    private long _startTs;
    private long _endTs;

    public int Streams => streams;
    public long Tokens => Interlocked.Read(ref _tokens);
    public int Active => Volatile.Read(ref _active);
    public int PeakActive => Volatile.Read(ref _peakActive);
    public int Completed => Volatile.Read(ref _completed);
    public int Failed => Volatile.Read(ref _failed);

    public void MarkStart() => _startTs = Stopwatch.GetTimestamp();

    public void MarkEnd() => _endTs = Stopwatch.GetTimestamp();

    public double ElapsedSeconds => ((_endTs == 0 ? Stopwatch.GetTimestamp() : _endTs) - _startTs) / (double)Stopwatch.Frequency;

    /// <summary>One stream's view; not thread-safe, one per stream.</summary>
    public StreamProbe Begin(int slot)
    {
        var active = Interlocked.Increment(ref _active);
        int peak;
        while (active > (peak = Volatile.Read(ref _peakActive)) && Interlocked.CompareExchange(ref _peakActive, active, peak) != peak)
        {
        }

        _lateness[slot] = new float[tokens];
        _interToken[slot] = new float[tokens];
        _transport[slot] = new float[tokens];
        return new StreamProbe(this, slot, Stopwatch.GetTimestamp());
    }

    public PhaseResult Summarize(string phase)
    {
        var lateness = Flatten(_lateness, _countsBySlot);
        var inter = Flatten(_interToken, _countsBySlot, skipFirst: true);
        var ttft = Array.FindAll(_ttftMs, v => !double.IsNaN(v));
        var transport = Array.FindAll(Flatten(_transport, _countsBySlot), v => !float.IsNaN(v));
        var firstTransport = Array.FindAll(_firstTransportMs, v => !double.IsNaN(v));
        Array.Sort(lateness);
        Array.Sort(inter);
        Array.Sort(ttft);
        Array.Sort(transport);
        Array.Sort(firstTransport);
        var elapsed = ElapsedSeconds;
        return new PhaseResult
        {
            Phase = phase,
            Streams = streams,
            Completed = Completed,
            Failed = Failed,
            FailuresByCode = new SortedDictionary<string, int>(_failures),
            TokensDelivered = Tokens,
            Seconds = Math.Round(elapsed, 3),
            TokensPerSecond = Math.Round(Tokens / Math.Max(elapsed, 1e-9), 1),
            PeakActive = PeakActive,
            TtftMs = Percentiles.Of(ttft),
            TtftAddedMs = Percentiles.Of(ttft, offset: -_firstMs),
            TokenLatenessMs = Percentiles.Of(lateness),
            InterTokenLatenessMs = Percentiles.Of(inter),
            TransportMs = Percentiles.Of(transport),
            FirstTokenTransportMs = Percentiles.Of(firstTransport),
        };
    }

    private readonly int[] _countsBySlot = new int[streams];

    private static float[] Flatten(float[][] perStream, int[] counts, bool skipFirst = false)
    {
        var total = 0;
        for (var i = 0; i < perStream.Length; i++)
        {
            total += Math.Max(0, counts[i] - (skipFirst ? 1 : 0));
        }

        var all = new float[total];
        var at = 0;
        for (var i = 0; i < perStream.Length; i++)
        {
            var from = skipFirst ? 1 : 0;
            for (var k = from; k < counts[i]; k++)
            {
                all[at++] = perStream[i][k];
            }
        }

        return all;
    }

    private static double[] Fill(int n)
    {
        var a = new double[n];
        Array.Fill(a, double.NaN);
        return a;
    }

    /// <summary>Records one stream's tokens and how it ended.</summary>
    internal sealed class StreamProbe(PhaseRecorder owner, int slot, long startTs) : ITokenSink
    {
        private int _count;
        private long _firstTs;
        private bool _ended;

        public int Count => _count;

        public void Token(long now, long emitted)
        {
            var k = _count;
            if (k >= owner._lateness[slot].Length)
            {
                // More tokens than asked for: count them, but there is no schedule slot for them.
                Interlocked.Increment(ref owner._tokens);
                _count++;
                return;
            }

            var sinceStart = (now - startTs) * MsPerTick;
            var transport = emitted > 0 ? (float)((now - emitted) * MsPerTick) : float.NaN;
            if (k == 0)
            {
                _firstTs = now;
                owner._ttftMs[slot] = sinceStart;
                owner._firstTransportMs[slot] = transport;
            }

            owner._transport[slot][k] = transport;

            owner._lateness[slot][k] = (float)(sinceStart - owner._firstMs - (k * owner._periodMs));
            owner._interToken[slot][k] = (float)(((now - _firstTs) * MsPerTick) - (k * owner._periodMs));
            owner._countsBySlot[slot] = k + 1;
            _count++;
            Interlocked.Increment(ref owner._tokens);
        }

        public void Complete()
        {
            if (_count < tokensExpected)
            {
                Fail("short_stream");
                return;
            }

            End();
            Interlocked.Increment(ref owner._completed);
        }

        public void Fail(string code)
        {
            End();
            Interlocked.Increment(ref owner._failed);
            owner._failures.AddOrUpdate(code, 1, static (_, n) => n + 1);
        }

        private int tokensExpected => owner._lateness[slot].Length;

        private void End()
        {
            if (!_ended)
            {
                _ended = true;
                Interlocked.Decrement(ref owner._active);
            }
        }
    }
}
