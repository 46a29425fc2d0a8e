using System.Globalization;

namespace StreamHub.Emulator.Faults;

/// <summary>The Retry-After forms a <c>status=</c> fault asks for: seconds, an HTTP date, and <c>retry-after-ms</c>.</summary>
internal static class RetryHeaders
{
    public static void Apply(IHeaderDictionary headers, FaultSpec fault, TimeProvider time)
    {
        if (fault.RetryAfterSeconds is { } seconds)
        {
            headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (fault.RetryAfterDateSeconds is { } dateSeconds)
        {
            headers.RetryAfter = time.GetUtcNow().AddSeconds(dateSeconds).ToString("R", CultureInfo.InvariantCulture);
        }

        if (fault.RetryAfterMs is { } ms)
        {
            headers["retry-after-ms"] = ms.ToString(CultureInfo.InvariantCulture);
        }
    }
}
