using System.Diagnostics;
using System.Diagnostics.Metrics;
using Polly.CircuitBreaker;
using StreamHub.Admission;
using StreamHub.Contracts;
using StreamHub.Upstream;

namespace StreamHub.Observability;

/// <summary>
/// The one <see cref="Meter"/> and <see cref="ActivitySource"/> named "StreamHub", and the factory of the
/// per-stream <see cref="StreamObservation"/> the pipeline reports to. Observable instruments read the
/// admission queues and the region breakers only when a collector asks.
/// </summary>
internal sealed class StreamTelemetry
{
    public const string Name = "StreamHub";

    /// <summary>Per-stream spans; a span is only created when a listener (OTLP tracing) is attached.</summary>
    public static readonly ActivitySource Activities = new(Name);

    private static readonly string[] PriorityNames = ["critical", "high", "normal", "low"];

    private readonly KeyValuePair<string, object?>[] _priorityTags =
        [.. PriorityNames.Select(p => new KeyValuePair<string, object?>("priority", p))];

    private readonly TimeProvider _time;
    private readonly UpDownCounter<long> _active;
    private readonly Counter<long> _admissions;
    private readonly Counter<long> _rejections;
    private readonly Counter<long> _completions;
    private readonly Counter<long> _tokens;
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _attempts;

    public StreamTelemetry(IMeterFactory meters, StreamStatistics statistics, IStreamAdmission admission, RegionSelector regions, TimeProvider time)
    {
        _time = time;
        Statistics = statistics;
        var meter = meters.Create(Name);
        _active = meter.CreateUpDownCounter<long>("streamhub.streams.active", "{stream}", "Streams admitted and not yet ended.");
        _admissions = meter.CreateCounter<long>("streamhub.admissions", "{request}", "Requests that got a stream slot, by priority.");
        _rejections = meter.CreateCounter<long>("streamhub.rejections", "{request}", "Requests refused or ended before a slot, by code.");
        _completions = meter.CreateCounter<long>("streamhub.streams.ended", "{stream}", "Admitted streams that ended, by outcome (ok, a contract code, canceled).");
        _tokens = meter.CreateCounter<long>("streamhub.tokens", "{token}", "Tokens written to callers.");
        _timeToFirstToken = meter.CreateHistogram<double>("streamhub.time_to_first_token", "s", "From admission to the first token reaching the pipeline's caller.");
        _interTokenLatency = meter.CreateHistogram<double>("streamhub.inter_token_latency", "s", "Time between consecutive tokens of one stream.");
        _duration = meter.CreateHistogram<double>("streamhub.stream.duration", "s", "From request to end, queue included.");
        _attempts = meter.CreateCounter<long>("streamhub.upstream.attempts", "{attempt}", "Upstream HTTP attempts by region and outcome (ok, HTTP status, error, canceled).");
        meter.CreateObservableGauge("streamhub.queue.depth", () => ObserveQueues(admission), "{request}", "Requests waiting for a slot, by requested priority.");
        meter.CreateObservableGauge("streamhub.upstream.breaker_state", () => ObserveBreakers(regions), "{state}", "Per region: 0 closed, 1 half-open, 2 open, 3 isolated, 4 disabled by an operator.");
    }

    public StreamStatistics Statistics { get; }

    public TimeProvider Time => _time;

    /// <summary>Starts observing one request; dispose it when the request ends, whichever way.</summary>
    public StreamObservation Begin(string requestId, string tenant, Priority priority, CancellationToken callerToken)
    {
        var activity = Activities.StartActivity("stream", ActivityKind.Internal);
        if (activity is not null)
        {
            activity.SetTag("streamhub.request_id", requestId);
            activity.SetTag("streamhub.tenant", tenant);
            activity.SetTag("streamhub.priority", PriorityNames[(int)priority]);
        }

        return new StreamObservation(this, tenant, priority, activity, callerToken);
    }

    internal void RecordAdmitted(Priority priority)
    {
        _admissions.Add(1, _priorityTags[(int)priority]);
        _active.Add(1);
        Statistics.Admitted();
    }

    internal void RecordRejected(string code)
    {
        _rejections.Add(1, new KeyValuePair<string, object?>("code", code));
        Statistics.Rejected(code);
    }

    internal void RecordEnded(string outcome, TimeSpan duration)
    {
        _active.Add(-1);
        _completions.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
        _duration.Record(duration.TotalSeconds);
        Statistics.Ended(outcome, duration);
    }

    internal void RecordFirstToken(TimeSpan elapsed)
    {
        _timeToFirstToken.Record(elapsed.TotalSeconds);
        Statistics.FirstToken(elapsed);
    }

    /// <summary>The per-token path: no tags, no allocation.</summary>
    internal void RecordToken(TimeSpan sincePrevious, bool first)
    {
        _tokens.Add(1);
        if (!first)
        {
            _interTokenLatency.Record(sincePrevious.TotalSeconds);
        }

        Statistics.Token();
    }

    internal void RecordAttempt(string region, string outcome)
        => _attempts.Add(1, new KeyValuePair<string, object?>("region", region), new KeyValuePair<string, object?>("outcome", outcome));

    private IEnumerable<Measurement<int>> ObserveQueues(IStreamAdmission admission)
    {
        var snapshot = admission.Snapshot();
        var measurements = new Measurement<int>[PriorityNames.Length];
        for (var i = 0; i < measurements.Length; i++)
        {
            measurements[i] = new Measurement<int>(snapshot.QueuedByPriority[i], _priorityTags[i]);
        }

        return measurements;
    }

    private static IEnumerable<Measurement<int>> ObserveBreakers(RegionSelector regions)
    {
        var measurements = new List<Measurement<int>>(regions.Regions.Count);
        foreach (var region in regions.Regions)
        {
            var state = region.Disabled ? 4 : region.CircuitState switch
            {
                CircuitState.Closed => 0,
                CircuitState.HalfOpen => 1,
                CircuitState.Open => 2,
                _ => 3,
            };
            measurements.Add(new Measurement<int>(state, new KeyValuePair<string, object?>("region", region.Name)));
        }

        return measurements;
    }
}
