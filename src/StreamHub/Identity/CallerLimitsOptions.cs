using System.ComponentModel.DataAnnotations;
using StreamHub.Admission;

namespace StreamHub.Identity;

/// <summary>
/// Limits for callers that no <c>Tenants:N</c> entry describes: anonymous callers
/// (<c>Identity:AnonymousLimits</c>, pooled per client address) and JWT tenants without a configured tenant of
/// the same name (<c>Identity:Jwt:DefaultLimits</c>). An empty value means no limit.
/// </summary>
internal sealed class CallerLimitsOptions
{
    private const string Limit = "{0} must be at least 1 (or empty for no limit).";

    [Range(1, int.MaxValue, ErrorMessage = Limit)]
    public int? RequestsPerMinute { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = Limit)]
    public int? TokensPerMinute { get; set; }

    [Range(1, int.MaxValue, ErrorMessage = Limit)]
    public int? MaxConcurrentStreams { get; set; }

    public TenantLimitSettings ToSettings() => new(RequestsPerMinute, TokensPerMinute, MaxConcurrentStreams);
}
