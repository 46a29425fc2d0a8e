namespace StreamHub.Upstream;

/// <summary>The upstream client's log lines, written under the client's category whichever part logs them.</summary>
internal static partial class UpstreamLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream attempt on {Region} failed with {Code}: {Reason}")]
    public static partial void AttemptFailed(ILogger logger, string region, string code, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retrying upstream (attempt {Attempt}) in {DelayMs} ms after: {Reason}")]
    public static partial void Retrying(ILogger logger, int attempt, double delayMs, string? reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream request also started on {Region} (hedge {Hedge} of {MaxHedges})")]
    public static partial void Hedging(ILogger logger, string region, int hedge, int maxHedges);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream hedge on {Region} won the race started on {Leader}")]
    public static partial void HedgeWon(ILogger logger, string region, string leader);

    [LoggerMessage(Level = LogLevel.Information, Message = "Upstream stream broken on {Failed} continues on {Region} after {Chars} characters")]
    public static partial void Continued(ILogger logger, string failed, string region, int chars);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Continuing a broken stream failed with {Code}: {Reason}")]
    public static partial void ContinueFailed(ILogger logger, string code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No region of model {Model} could answer ({Code}: {Reason}); falling back to model {Fallback}")]
    public static partial void FallingBack(ILogger logger, string model, string fallback, string code, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Upstream stream on {Region} interrupted after {Delivered} tokens: {Reason}")]
    public static partial void Interrupted(ILogger logger, string region, int delivered, string reason);
}
