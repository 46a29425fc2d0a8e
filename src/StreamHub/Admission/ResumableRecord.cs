using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>
/// What a survivor needs to finish a resumable request whose instance died: the request as asked, and who asked
/// (the caller's tenant, tier, the scope its ids and watches belong to, what its limits count against, and the
/// models it may use), so the survivor serves it as the same caller and nobody else.
/// </summary>
internal sealed record ResumableRecord(
    CompletionRequest Request,
    string Tenant,
    Priority Tier,
    bool Anonymous,
    string Scope,
    string LimitKey,
    TenantLimitSettings Limits,
    IReadOnlyList<string>? Models);
