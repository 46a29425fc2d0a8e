using Microsoft.Extensions.Logging;
using Polly;
using Polly.CircuitBreaker;

namespace StreamHub.Upstream;

/// <summary>
/// One configured region at run time: its pooled HttpClient name, its own circuit breaker (Polly) and the
/// health figures the selector and the admin endpoints read.
/// </summary>
internal sealed class UpstreamRegion
{
    private const double EwmaWeight = 0.2;
    private readonly TimeProvider _timeProvider;
    private readonly CircuitBreakerStateProvider _state = new();
    private readonly CircuitBreakerManualControl _control = new();
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private double? _ttftEwmaMs;
    private string? _lastError;
    private DateTimeOffset? _lastErrorAt;
    private DateTimeOffset? _openUntil;
    private int _active;
    private long _attempts;
    private long _failures;

    public UpstreamRegion(RegionOptions options, UpstreamBreakerOptions breaker, TimeProvider timeProvider, ILogger logger)
    {
        Options = options;
        _timeProvider = timeProvider;
        HttpClientName = "upstream:" + options.Name;
        BaseUri = new Uri(options.BaseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        Breaker = new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                // Polly v8 breaks on a failure ratio in a sampling window: a ratio of 1 with a minimum
                // throughput of the threshold opens after that many failures with no success between.
                FailureRatio = 1.0,
                MinimumThroughput = Math.Max(2, breaker.FailureThreshold),
                SamplingDuration = breaker.BreakDuration < TimeSpan.FromSeconds(30) ? TimeSpan.FromSeconds(30) : breaker.BreakDuration,
                BreakDuration = breaker.BreakDuration,
                StateProvider = _state,
                ManualControl = _control,
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is UpstreamAttemptException { CountsAgainstRegion: true }),
                OnOpened = args =>
                {
                    lock (_gate)
                    {
                        _openUntil = _timeProvider.GetUtcNow() + args.BreakDuration;
                    }

                    logger.LogWarning("Region {Region} circuit opened for {BreakDuration}", Name, args.BreakDuration);
                    return default;
                },
                OnHalfOpened = _ =>
                {
                    logger.LogInformation("Region {Region} circuit half-open: next request is a trial", Name);
                    return default;
                },
                OnClosed = _ =>
                {
                    lock (_gate)
                    {
                        _openUntil = null;
                    }

                    logger.LogInformation("Region {Region} circuit closed", Name);
                    return default;
                },
            })
            .Build();
    }

    public RegionOptions Options { get; }

    public string Name => Options.Name;

    public string HttpClientName { get; }

    /// <summary>The base URL with a trailing slash, so "chat/completions" resolves under /v1/.</summary>
    public Uri BaseUri { get; }

    public ResiliencePipeline Breaker { get; }

    public CircuitState CircuitState => _state.CircuitState;

    /// <summary>Drained by an operator: takes no new requests, running ones finish.</summary>
    public bool Disabled { get; set; }

    /// <summary>Can take a new attempt now (closed, or half-open for its trial).</summary>
    public bool IsAvailable => !Disabled && _state.CircuitState is CircuitState.Closed or CircuitState.HalfOpen;

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
                return _state.CircuitState is CircuitState.Open ? _openUntil : null;
            }
        }
    }

    public void AttemptStarted() => Interlocked.Increment(ref _attempts);

    public void StreamOpened(TimeSpan timeToFirstToken)
    {
        Interlocked.Increment(ref _active);
        lock (_gate)
        {
            _consecutiveFailures = 0;
            var ms = timeToFirstToken.TotalMilliseconds;
            _ttftEwmaMs = _ttftEwmaMs is { } previous ? previous + (EwmaWeight * (ms - previous)) : ms;
        }
    }

    public void StreamClosed() => Interlocked.Decrement(ref _active);

    public void RecordFailure(string error)
    {
        Interlocked.Increment(ref _failures);
        lock (_gate)
        {
            _consecutiveFailures++;
            _lastError = error;
            _lastErrorAt = _timeProvider.GetUtcNow();
        }
    }

    public Task ResetAsync()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
        }

        return _control.CloseAsync();
    }

    public RegionHealth Snapshot()
    {
        lock (_gate)
        {
            return new RegionHealth(
                Name,
                BaseUri.GetLeftPart(UriPartial.Path).TrimEnd('/'),
                Options.Priority,
                Options.MaxConnections,
                RegionStates.Describe(_state.CircuitState, Disabled),
                Disabled,
                _consecutiveFailures,
                _ttftEwmaMs is { } ewma ? Math.Round(ewma, 1) : null,
                _lastError,
                _lastErrorAt,
                _state.CircuitState is CircuitState.Open ? _openUntil : null,
                Volatile.Read(ref _active),
                Interlocked.Read(ref _attempts),
                Interlocked.Read(ref _failures));
        }
    }
}
