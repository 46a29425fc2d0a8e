using System.Collections.Concurrent;
using System.Diagnostics;
using StreamHub.Benchmarks.Load;

namespace StreamHub.Benchmarks.Soak;

/// <summary>
/// Running totals of an endless stream of streams, and the transport times (arrival minus the emulator's
/// emit stamp) of the tokens since the last sample.
/// </summary>
internal sealed class SoakRecorder(int tokensPerStream)
{
    private static readonly double MsPerTick = 1000.0 / Stopwatch.Frequency;

    private readonly ConcurrentDictionary<string, int> _failures = new();
    private readonly Lock _gate = new();
    private List<float> _transport = [];
    private long _tokens;
    private int _active;
    private long _started;
    private long _completed;
    private long _failed;

    public int TokensPerStream => tokensPerStream;

    public long Tokens => Interlocked.Read(ref _tokens);
    public int Active => Volatile.Read(ref _active);
    public long Started => Interlocked.Read(ref _started);
    public long Completed => Interlocked.Read(ref _completed);
    public long Failed => Interlocked.Read(ref _failed);
    public IReadOnlyDictionary<string, int> FailuresByCode => new SortedDictionary<string, int>(_failures);

    public Probe Begin()
    {
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _started);
        return new Probe(this);
    }

    /// <summary>The transport times recorded since the previous call, sorted.</summary>
    public float[] TakeTransport()
    {
        List<float> taken;
        lock (_gate)
        {
            taken = _transport;
            _transport = new List<float>(Math.Max(1024, taken.Count));
        }

        var sorted = taken.ToArray();
        Array.Sort(sorted);
        return sorted;
    }

    /// <summary>One stream.</summary>
    internal sealed class Probe(SoakRecorder owner) : ITokenSink
    {
        private int _count;
        private bool _ended;

        public bool Failed { get; private set; }

        public void Token(long now, long emitted)
        {
            _count++;
            Interlocked.Increment(ref owner._tokens);
            if (emitted > 0)
            {
                var ms = (float)((now - emitted) * MsPerTick);
                lock (owner._gate)
                {
                    owner._transport.Add(ms);
                }
            }
        }

        public void Complete()
        {
            if (_count < owner.TokensPerStream)
            {
                Fail("short_stream");
                return;
            }

            if (End())
            {
                Interlocked.Increment(ref owner._completed);
            }
        }

        public void Fail(string code)
        {
            Failed = true;
            if (End())
            {
                Interlocked.Increment(ref owner._failed);
                owner._failures.AddOrUpdate(code, 1, static (_, n) => n + 1);
            }
        }

        private bool End()
        {
            if (_ended)
            {
                return false;
            }

            _ended = true;
            Interlocked.Decrement(ref owner._active);
            return true;
        }
    }
}
