using System.Globalization;
using System.Text.RegularExpressions;

namespace StreamHub.Client;

/// <summary>
/// Every failure StreamHub reports, as one exception: branch on <see cref="Code"/> (see
/// <see cref="StreamHubErrorCodes"/>); <see cref="Exception.Message"/> is the hub's sentence, which says what to do.
/// </summary>
public sealed partial class StreamHubException : Exception
{
    /// <summary>Creates the exception for <paramref name="code"/> with the hub's <paramref name="message"/>.</summary>
    public StreamHubException(string code, string message, TimeSpan? retryAfter = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        RetryAfter = retryAfter ?? ParseRetryAfter(message);
    }

    /// <summary>The stable code, e.g. <c>queue_full</c>.</summary>
    public string Code { get; }

    /// <summary>When the caller may try again, where the hub said so ("retry in N s").</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The hub's wire form again: "code: sentence".</summary>
    public override string ToString() => $"{Code}: {Message}";

    /// <summary>
    /// Reads a hub error message "code: sentence". A message without a known code (a server too old to code its
    /// errors, or SignalR's own generic error) keeps its whole text and becomes <c>upstream_error</c>.
    /// </summary>
    public static StreamHubException FromHubMessage(string message, Exception? innerException = null)
    {
        ArgumentNullException.ThrowIfNull(message);
        var colon = message.IndexOf(": ", StringComparison.Ordinal);
        if (colon > 0)
        {
            var code = message[..colon];
            foreach (var known in StreamHubErrorCodes.Contract)
            {
                if (string.Equals(code, known, StringComparison.Ordinal))
                {
                    return new StreamHubException(known, message[(colon + 2)..], null, innerException);
                }
            }
        }

        return new StreamHubException(StreamHubErrorCodes.UpstreamError, message, null, innerException);
    }

    private static TimeSpan? ParseRetryAfter(string message)
    {
        var match = RetryIn().Match(message);
        return match.Success && double.TryParse(match.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    [GeneratedRegex(@"retry in (\d+(?:\.\d+)?) ?s\b", RegexOptions.CultureInvariant)]
    private static partial Regex RetryIn();
}
