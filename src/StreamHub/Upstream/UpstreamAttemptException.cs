using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// One attempt's failure, classified once where it happens (<see cref="UpstreamFailureClassifier"/>): its
/// contract code, where another attempt may help, whether it is the region's fault (for its breaker), and the
/// upstream's own retry hint.
/// </summary>
internal sealed class UpstreamAttemptException(
    string code,
    string message,
    RetryScope retry,
    bool countsAgainstRegion,
    TimeSpan? retryAfter = null,
    Exception? inner = null) : Exception(message, inner)
{
    public string Code { get; } = code;

    public RetryScope Retry { get; } = retry;

    public bool CountsAgainstRegion { get; } = countsAgainstRegion;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public StreamHubException ToStreamHubException() => new(Code, Message, RetryAfter);
}
