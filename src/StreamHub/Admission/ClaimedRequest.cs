namespace StreamHub.Admission;

/// <summary>An orphaned resumable request this instance now owns; dispose <see cref="Ownership"/> once it has ended.</summary>
internal sealed record ClaimedRequest(ResumableRecord Record, IAsyncDisposable Ownership);
