using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>The <c>rate_limited</c> sentences of tenant limits, the same whether one process or a cluster counts.</summary>
internal static class TenantRejection
{
    public static string Streams(string tenant, int limit) => $"tenant {tenant} may run {limit} streams at once";

    public static string Requests(string tenant, int limit) => $"tenant {tenant} may send {limit} requests per minute";

    public static string Tokens(string tenant, int limit) => $"tenant {tenant} may use {limit} tokens per minute";

    public static AdmissionRejection Of(string reason, TimeSpan retryAfter) => new(
        ErrorCodes.RateLimited,
        $"{reason}; retry in {AdmissionRejection.Seconds(retryAfter)} s",
        retryAfter);
}
