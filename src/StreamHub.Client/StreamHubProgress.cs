namespace StreamHub.Client;

/// <summary>
/// What the hub says about a running request before and while it streams: its place in the queue (1 is next), or
/// the upstream region that took it. <see cref="RequestId"/> is the update stream's <c>ResponseId</c>.
/// </summary>
public sealed record StreamHubProgress(string RequestId, int? QueuePosition, string? Region);
