namespace StreamHub.Client;

/// <summary>
/// What a group member receives: an event of a request that fans out to the group (<see cref="Event"/>), or the
/// request's end (<see cref="Completed"/>, with <see cref="Code"/> null on success).
/// </summary>
public sealed record StreamHubGroupMessage(string Group, string RequestId, StreamHubEvent? Event, bool Completed, string? Code);
