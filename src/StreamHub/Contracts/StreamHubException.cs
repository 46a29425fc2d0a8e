namespace StreamHub.Contracts;

/// <summary>
/// A failure with a contract code. The pipeline throws it; each front door turns it into its wire shape
/// (a <c>HubException</c> "code: message" on the hub).
/// </summary>
public sealed class StreamHubException(string code, string message, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public string Code { get; } = code;

    /// <summary>When the caller may try again, where the failure knows it.</summary>
    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>The hub wire form: "code: sentence".</summary>
    public string ToWireMessage() => $"{Code}: {Message}";
}
