namespace StreamHub.Admission;

/// <summary>One tenant's limits, as the Identity feature configures them; null means unlimited.</summary>
internal sealed record TenantLimitSettings(int? RequestsPerMinute, int? TokensPerMinute, int? MaxConcurrentStreams)
{
    public static readonly TenantLimitSettings Unlimited = new(null, null, null);
}
