using Microsoft.AspNetCore.SignalR;
using StreamHub.Contracts;
using StreamHub.Fanout;

namespace StreamHub.Streaming;

/// <summary>Fan-out's group messages as the hub's <c>GroupToken</c>, <c>GroupEvent</c> and <c>GroupCompleted</c> callbacks.</summary>
internal sealed class HubGroupPublisher(IHubContext<StreamingHub, IStreamClient> hub) : IGroupPublisher
{
    public Task TokenAsync(string scopedGroup, string group, string requestId, long seq, string text)
        => hub.Clients.Group(scopedGroup).GroupToken(group, requestId, seq, text);

    public Task EventAsync(string scopedGroup, string group, string requestId, StreamEvent item)
        => hub.Clients.Group(scopedGroup).GroupEvent(group, requestId, item);

    public Task CompletedAsync(string scopedGroup, string group, string requestId, string? code)
        => hub.Clients.Group(scopedGroup).GroupCompleted(group, requestId, code);
}
