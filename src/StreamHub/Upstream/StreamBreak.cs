using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// How a stream that broke after its first token ends for the caller, and, when the region is to blame,
/// the short reason its breaker and the operators see.
/// </summary>
internal readonly record struct StreamBreak(StreamHubException Error, string? RegionFault);
