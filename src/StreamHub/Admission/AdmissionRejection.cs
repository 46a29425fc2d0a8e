using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>Why admission said no: a contract code, a sentence for the caller and when to try again.</summary>
internal sealed record AdmissionRejection(string Code, string Message, TimeSpan RetryAfter)
{
    /// <summary>The pipeline's failure for this rejection.</summary>
    public StreamHubException ToException() => new(Code, Message, RetryAfter);

    /// <summary>Whole seconds, rounded up, as callers show them ("retry in 2 s").</summary>
    internal static string Seconds(TimeSpan value) => Math.Max(1, (long)Math.Ceiling(value.TotalSeconds)).ToString();
}
