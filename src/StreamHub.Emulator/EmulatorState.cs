using Microsoft.Extensions.Options;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator;

/// <summary>
/// What the emulator has seen and what it has been told to do next: counters, the scripted fault queue and
/// the last requests. One instance per emulator; thread-safe.
/// </summary>
public sealed class EmulatorState(IOptions<EmulatorOptions> options)
{
    /// <summary>How many requests <see cref="GetRequests"/> keeps.</summary>
    public const int RequestLogCapacity = 1000;

    /// <summary>The most of one body the log keeps.</summary>
    public const int MaxRecordedBodyBytes = 4 * 1024 * 1024;

    /// <summary>The most body text the whole log keeps: the oldest requests leave first.</summary>
    public const long MaxRecordedBodyTotal = 64L * 1024 * 1024;

    private readonly Lock _gate = new();
    private readonly Queue<string> _script = new();
    private readonly Queue<EmulatorRequestRecord> _log = new();
    private int _open;
    private int _peak;
    private long _total;
    private long _completed;
    private long _aborted;
    private long _logged;
    private long _bodyChars;

    /// <summary><c>Emulator:AllowFaultDirectives</c>: whether directives and the script may inject faults.</summary>
    public bool FaultsAllowed => options.Value.AllowFaultDirectives;

    /// <summary>Chat-completion requests being served right now.</summary>
    public int OpenStreams => Volatile.Read(ref _open);

    /// <summary>The most chat-completion requests served at once since the start (or <see cref="ResetPeak"/>).</summary>
    public int PeakOpenStreams => Volatile.Read(ref _peak);

    /// <summary>Starts counting <see cref="PeakOpenStreams"/> again from the streams open now.</summary>
    public void ResetPeak() => Interlocked.Exchange(ref _peak, OpenStreams);

    /// <summary>Scripted faults not yet taken by a request.</summary>
    public int PendingFaults
    {
        get
        {
            lock (_gate)
            {
                return _script.Count;
            }
        }
    }

    public EmulatorStats GetStats() => new(
        OpenStreams, Interlocked.Read(ref _total), Interlocked.Read(ref _completed), Interlocked.Read(ref _aborted));

    /// <summary>The last <see cref="RequestLogCapacity"/> requests to <c>/v1/*</c> (refused ones too), oldest first.</summary>
    public IReadOnlyList<EmulatorRequestRecord> GetRequests()
    {
        lock (_gate)
        {
            return [.. _log];
        }
    }

    /// <summary>
    /// Replaces the script: the next requests, in arrival order, each take the next spec ("" means no fault).
    /// Every spec is checked first, so a typo fails here instead of silently doing nothing later.
    /// </summary>
    /// <exception cref="FormatException">A spec has an unknown key or a bad value.</exception>
    /// <exception cref="InvalidOperationException"><c>Emulator:AllowFaultDirectives</c> is off.</exception>
    public void SetScript(IEnumerable<string> faults)
    {
        ArgumentNullException.ThrowIfNull(faults);
        if (!FaultsAllowed)
        {
            throw new InvalidOperationException("Fault injection is off (Emulator:AllowFaultDirectives=false).");
        }

        var specs = faults.Select(f => f ?? string.Empty).ToList();
        foreach (var spec in specs)
        {
            _ = FaultSpec.Parse(spec);
        }

        lock (_gate)
        {
            _script.Clear();
            foreach (var spec in specs)
            {
                _script.Enqueue(spec);
            }
        }
    }

    public void ClearScript()
    {
        lock (_gate)
        {
            _script.Clear();
        }
    }

    /// <summary>Clears the script, the request log and the counters; open streams keep being counted.</summary>
    public void Reset()
    {
        lock (_gate)
        {
            _script.Clear();
            _log.Clear();
            _bodyChars = 0;
            _logged = 0;
            Interlocked.Exchange(ref _total, 0);
            Interlocked.Exchange(ref _completed, 0);
            Interlocked.Exchange(ref _aborted, 0);
        }
    }

    /// <summary>Counts a request in; the result numbers it for the log.</summary>
    internal long BeginRequest()
    {
        var open = Interlocked.Increment(ref _open);
        var peak = Volatile.Read(ref _peak);
        while (open > peak && Interlocked.CompareExchange(ref _peak, open, peak) is var seen && seen != peak)
        {
            peak = seen;
        }

        return Interlocked.Increment(ref _total);
    }

    internal void EndRequest(bool aborted)
    {
        Interlocked.Increment(ref aborted ? ref _aborted : ref _completed);
        Interlocked.Decrement(ref _open);
    }

    /// <summary>The next scripted spec, or null when the script is empty.</summary>
    internal string? TakeScriptedFault()
    {
        lock (_gate)
        {
            return FaultsAllowed && _script.TryDequeue(out var spec) ? spec : null;
        }
    }

    /// <summary>Logs a request under the next arrival number.</summary>
    internal void Record(EmulatorRequestRecord request)
    {
        lock (_gate)
        {
            _log.Enqueue(request with { Seq = ++_logged });
            _bodyChars += request.Body.Length;
            while (_log.Count > RequestLogCapacity || (_bodyChars > MaxRecordedBodyTotal && _log.Count > 1))
            {
                _bodyChars -= _log.Dequeue().Body.Length;
            }
        }
    }
}
