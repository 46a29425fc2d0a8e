using System.Diagnostics;
using StreamHub.Contracts;

namespace StreamHub.Observability;

/// <summary>
/// One request as metrics and its span see it. The pipeline says when it was admitted, each token, its
/// usage and how it failed; <see cref="Dispose"/> records the end. A request that ends before admission is
/// a rejection (by code); one that ends after it is a completion, a failure (by code) or a cancellation.
/// </summary>
internal sealed class StreamObservation : IDisposable
{
    private readonly StreamTelemetry _telemetry;
    private readonly string _tenant;
    private readonly Priority _priority;
    private readonly Activity? _activity;
    private readonly CancellationToken _callerToken;
    private readonly long _startedAt;
    private long _admittedAt;
    private long _lastTokenAt;
    private long _tokens;
    private bool _admitted;
    private string? _outcome;

    internal StreamObservation(StreamTelemetry telemetry, string tenant, Priority priority, Activity? activity, CancellationToken callerToken)
    {
        _telemetry = telemetry;
        _tenant = tenant;
        _priority = priority;
        _activity = activity;
        _callerToken = callerToken;
        _startedAt = telemetry.Time.GetTimestamp();
    }

    public void Admitted()
    {
        _admitted = true;
        _admittedAt = _telemetry.Time.GetTimestamp();
        _telemetry.RecordAdmitted(_priority);
    }

    /// <summary>Called once per token written; no allocation.</summary>
    public void Token()
    {
        var now = _telemetry.Time.GetTimestamp();
        var first = _tokens++ == 0;
        if (first)
        {
            _telemetry.RecordFirstToken(_telemetry.Time.GetElapsedTime(_admittedAt, now));
        }

        _telemetry.RecordToken(_telemetry.Time.GetElapsedTime(_lastTokenAt, now), first);
        _lastTokenAt = now;
    }

    /// <summary>The upstream's usage and its price (null when the model has none).</summary>
    public void Usage(UsageInfo usage, decimal? cost)
    {
        _telemetry.Statistics.Usage(_tenant, usage, cost);
        _activity?.SetTag("streamhub.prompt_tokens", usage.PromptTokens);
        _activity?.SetTag("streamhub.completion_tokens", usage.CompletionTokens);
    }

    public void Completed() => _outcome ??= "ok";

    public void Failed(string code) => _outcome ??= code;

    public void Dispose()
    {
        var outcome = _outcome ?? (_callerToken.IsCancellationRequested ? "canceled" : "error");
        if (_admitted)
        {
            _telemetry.RecordEnded(outcome, _telemetry.Time.GetElapsedTime(_startedAt));
        }
        else if (outcome != "canceled")
        {
            _telemetry.RecordRejected(outcome);
        }

        if (_activity is not null)
        {
            _activity.SetTag("streamhub.tokens", _tokens);
            _activity.SetTag("streamhub.outcome", outcome);
            if (outcome is not "ok" and not "canceled")
            {
                _activity.SetStatus(ActivityStatusCode.Error, outcome);
            }

            _activity.Dispose();
        }
    }
}
