using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// Where a request's group messages go. Fan-out decides what to send and in which order; the hub's folder
/// implements this over its SignalR groups (carried between instances by the Redis backplane), so Fanout
/// needs to know neither the hub nor its client interface.
/// </summary>
internal interface IGroupPublisher
{
    /// <summary>A text event of <paramref name="requestId"/> to the members of <paramref name="scopedGroup"/>.</summary>
    /// <param name="scopedGroup">The tenant-scoped SignalR group (<see cref="GroupNames.For"/>).</param>
    /// <param name="group">The name the members joined, as they see it.</param>
    Task TokenAsync(string scopedGroup, string group, string requestId, long seq, string text);

    /// <summary>Any other event (reasoning, refusal, tool call, finish, usage) of <paramref name="requestId"/>.</summary>
    Task EventAsync(string scopedGroup, string group, string requestId, StreamEvent item);

    /// <summary>The request ended; <paramref name="code"/> is null on success.</summary>
    Task CompletedAsync(string scopedGroup, string group, string requestId, string? code);
}
