using Polly.CircuitBreaker;

namespace StreamHub.Upstream;

/// <summary>
/// One configured region at run time: its pooled HttpClient name, its own circuit breaker and the health
/// figures the selector and the admin endpoints read.
/// </summary>
/// <remarks>
/// The breaker counts consecutive failures (attempts before the first token and streams that break after
/// it), at most one per request, so one request retried on a failing region (one bad prompt) cannot open it
/// for everyone; a stream that finishes resets the count, and a caller's fault (400, 401, a cancelled
/// request) neither counts nor resets. Polly v8's breaker cannot express this: it samples a failure ratio over a window, so
/// one success in the window keeps it closed however many failures follow, a caller fault counts as a
/// success, and its state stays <c>Open</c> until an execution passes through it, which the selector
/// (skipping open regions) never lets happen. The state machine is small, on the injected TimeProvider:
/// closed → open (FailureThreshold consecutive failures) → half-open once BreakDuration has passed, where
/// exactly one trial request goes through → closed on its first token, open again on its failure.
/// </remarks>
internal sealed class UpstreamRegion
{
    private const double EwmaWeight = 0.2;
    private readonly TimeProvider _timeProvider;
    private readonly UpstreamBreakerOptions _breaker;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private double? _ttftEwmaMs;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _openUntil;
    private bool _trialInFlight;
    private int _active;
    private long _attempts;
    private long _failures;

    public UpstreamRegion(RegionOptions options, UpstreamBreakerOptions breaker, TimeProvider timeProvider, ILogger logger)
    {
        Options = options;
        _breaker = breaker;
        _timeProvider = timeProvider;
        _logger = logger;
        HttpClientName = "upstream:" + options.Name;
        BaseUri = new Uri(options.BaseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        Endpoint = new RegionEndpoint(options);
    }

    public RegionOptions Options { get; }

    public string Name => Options.Name;

    public string HttpClientName { get; }

    /// <summary>The base URL with a trailing slash, so "chat/completions" resolves under /v1/.</summary>
    public Uri BaseUri { get; }

    /// <summary>The URL, key header, further headers and query parameters a request to this region carries.</summary>
    public RegionEndpoint Endpoint { get; }

    public CircuitState CircuitState
    {
        get
        {
            lock (_gate)
            {
                return StateLocked();
            }
        }
    }

    /// <summary>Drained by an operator: takes no new requests, running ones finish.</summary>
    public bool Disabled { get; set; }

    /// <summary>Can take a new attempt now (closed, or half-open with its one trial not yet taken).</summary>
    public bool IsAvailable
    {
        get
        {
            if (Disabled)
            {
                return false;
            }

            lock (_gate)
            {
                return StateLocked() switch
                {
                    CircuitState.Closed => true,
                    CircuitState.HalfOpen => !_trialInFlight,
                    _ => false,
                };
            }
        }
    }

    public double TtftScore
    {
        get
        {
            lock (_gate)
            {
                return _ttftEwmaMs ?? 0;
            }
        }
    }

    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_gate)
            {
                return StateLocked() is CircuitState.Open ? _openUntil : null;
            }
        }
    }

    /// <summary>
    /// Claims an attempt: always when closed; when half-open, only the one trial. Every successful claim
    /// ends in <see cref="StreamOpened"/>, <see cref="RecordFailure"/> or <see cref="AttemptAbandoned"/>.
    /// </summary>
    public bool TryBeginAttempt()
    {
        if (Disabled)
        {
            return false;
        }

        lock (_gate)
        {
            switch (StateLocked())
            {
                case CircuitState.Closed:
                    break;
                case CircuitState.HalfOpen when !_trialInFlight:
                    _trialInFlight = true;
                    _logger.LogInformation("Region {Region} circuit half-open: this request is the trial", Name);
                    break;
                default:
                    return false;
            }
        }

        Interlocked.Increment(ref _attempts);
        return true;
    }

    public void StreamOpened(TimeSpan timeToFirstToken)
    {
        Interlocked.Increment(ref _active);
        bool closed;
        lock (_gate)
        {
            // The trial answered: a fresh start. Otherwise the count waits for the stream's end, so a
            // region whose streams all break after a few tokens still opens.
            closed = _openUntil is not null;
            if (closed)
            {
                _consecutiveFailures = 0;
            }

            _openUntil = null;
            _trialInFlight = false;
            var ms = timeToFirstToken.TotalMilliseconds;
            _ttftEwmaMs = _ttftEwmaMs is { } previous ? previous + (EwmaWeight * (ms - previous)) : ms;
        }

        if (closed)
        {
            _logger.LogInformation("Region {Region} circuit closed", Name);
        }
    }

    public void StreamClosed() => Interlocked.Decrement(ref _active);

    /// <summary>A stream ended with its finish: the region works, the failure count starts again.</summary>
    public void StreamSucceeded()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
        }
    }

    /// <summary>The claimed attempt ended for a reason that says nothing about the region (caller fault, cancel).</summary>
    public void AttemptAbandoned()
    {
        lock (_gate)
        {
            _trialInFlight = false;
        }
    }

    /// <summary>A failure that is the region's: before the first token or mid-stream.</summary>
    /// <param name="error">The reason operators see as the region's last error.</param>
    /// <param name="counts">
    /// Whether it counts toward <c>FailureThreshold</c>: false for a request's further failures on this region,
    /// since the breaker counts one per request (see <see cref="UpstreamRequestScope.RecordFailure"/>). Either
    /// way it is recorded, and a failed half-open trial reopens the breaker.
    /// </param>
    public void RecordFailure(string error, bool counts = true)
    {
        Interlocked.Increment(ref _failures);
        DateTimeOffset? opened = null;
        lock (_gate)
        {
            var now = _timeProvider.GetUtcNow();
            if (counts)
            {
                _consecutiveFailures++;
            }

            _lastError = error;
            _lastErrorAt = now;
            var state = StateLocked();
            if (_trialInFlight || (state == CircuitState.Closed && _consecutiveFailures >= _breaker.FailureThreshold))
            {
                _trialInFlight = false;
                _openUntil = now + _breaker.BreakDuration;
                opened = _openUntil;
            }
        }

        if (opened is not null)
        {
            _logger.LogWarning("Region {Region} circuit opened for {BreakDuration} after: {Error}", Name, _breaker.BreakDuration, error);
        }
    }

    public Task ResetAsync()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _openUntil = null;
            _trialInFlight = false;
        }

        return Task.CompletedTask;
    }

    public RegionHealth Snapshot()
    {
        lock (_gate)
        {
            var state = StateLocked();
            return new RegionHealth(
                Name,
                BaseUri.GetLeftPart(UriPartial.Path).TrimEnd('/'),
                Options.Priority,
                Options.MaxConnections,
                RegionStates.Describe(state, Disabled),
                Disabled,
                _consecutiveFailures,
                _ttftEwmaMs is { } ewma ? Math.Round(ewma, 1) : null,
                _lastError,
                _lastErrorAt,
                state is CircuitState.Open ? _openUntil : null,
                Volatile.Read(ref _active),
                Interlocked.Read(ref _attempts),
                Interlocked.Read(ref _failures));
        }
    }

    /// <summary>Open until the break has passed, half-open from then until a trial ends; time decides, no timer.</summary>
    private CircuitState StateLocked() => _openUntil switch
    {
        null => CircuitState.Closed,
        { } until when _timeProvider.GetUtcNow() < until => CircuitState.Open,
        _ => CircuitState.HalfOpen,
    };
}
