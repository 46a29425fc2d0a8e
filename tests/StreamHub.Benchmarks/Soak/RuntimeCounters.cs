using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;

namespace StreamHub.Benchmarks.Soak;

/// <summary>
/// The <c>System.Runtime</c> counters of a .NET peer, read from outside over EventPipe as <c>dotnet-counters</c>
/// does (no change to the app): GC pause time, collections, heap size, thread-pool threads. Polling counters
/// keep their last value; incrementing counters (collections) are summed.
/// </summary>
internal sealed class RuntimeCounters : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, double> _latest = new();
    private readonly ConcurrentDictionary<string, double> _sums = new();
    private readonly EventPipeSession _session;
    private readonly Task _processing;

    private RuntimeCounters(EventPipeSession session)
    {
        _session = session;
        var source = new EventPipeEventSource(session.EventStream);
        source.Dynamic.All += OnEvent;
        _processing = Task.Run(() =>
        {
            try
            {
                source.Process();
            }
            finally
            {
                source.Dispose();
            }
        });
    }

    /// <summary>Null (and a line on the console) when the process does not answer on its diagnostics port.</summary>
    public static RuntimeCounters? TryStart(int pid, int intervalSeconds)
    {
        try
        {
            var provider = new EventPipeProvider("System.Runtime", EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = intervalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture) });
            return new RuntimeCounters(new DiagnosticsClient(pid).StartEventPipeSession(provider, requestRundown: false, circularBufferMB: 16));
        }
        catch (Exception e) when (e is ServerNotAvailableException or UnsupportedCommandException or IOException or TimeoutException)
        {
            Console.WriteLine($"runtime counters of {pid} unavailable: {e.Message}");
            return null;
        }
    }

    /// <summary>The last value of a polling counter (e.g. <c>total-pause-time-by-gc</c>, ms since start).</summary>
    public double? Latest(string name) => _latest.TryGetValue(name, out var v) ? v : null;

    /// <summary>The sum of an incrementing counter's increments so far (e.g. <c>gen-0-gc-count</c>).</summary>
    public double? Sum(string name) => _sums.TryGetValue(name, out var v) ? v : null;

    /// <summary>
    /// GC pause time so far (ms). <c>total-pause-time-by-gc</c> is an incrementing counter on .NET 10 (and a
    /// polling one, the running total, on some earlier runtimes): either way its deltas are the pauses.
    /// </summary>
    public double? GcPauseMs => Sum("total-pause-time-by-gc") ?? Latest("total-pause-time-by-gc");

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _session.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            await _processing.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (Exception e) when (e is ServerNotAvailableException or IOException or TimeoutException or EndOfStreamException)
        {
            // The peer is going away anyway.
        }
        finally
        {
            _session.Dispose();
        }
    }

    private void OnEvent(TraceEvent e)
    {
        if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer
            || !outer.TryGetValue("Payload", out var inner) || inner is not IDictionary<string, object> fields
            || !fields.TryGetValue("Name", out var nameValue) || nameValue is not string name)
        {
            return;
        }

        if (fields.TryGetValue("Increment", out var increment))
        {
            var add = Convert.ToDouble(increment, System.Globalization.CultureInfo.InvariantCulture);
            _sums.AddOrUpdate(name, add, (_, sum) => sum + add);
        }
        else if (fields.TryGetValue("Mean", out var mean))
        {
            _latest[name] = Convert.ToDouble(mean, System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
