using StreamHub.Contracts;

namespace StreamHub.Admission;

/// <summary>What a survivor needs to finish a resumable request whose instance died: the request as asked, and who asked.</summary>
internal sealed record ResumableRecord(CompletionRequest Request, string Tenant, Priority Tier, bool Anonymous);
