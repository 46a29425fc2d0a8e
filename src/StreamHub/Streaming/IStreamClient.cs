using StreamHub.Contracts;

namespace StreamHub.Streaming;

/// <summary>The callbacks a hub client may handle (the typed half of <c>Hub&lt;IStreamClient&gt;</c>).</summary>
public interface IStreamClient
{
    /// <summary>The request waits for a slot; <paramref name="position"/> 1 is next in line.</summary>
    Task Queued(string requestId, int position);

    /// <summary>The request left the queue and its upstream stream opened in <paramref name="region"/>.</summary>
    Task Started(string requestId, string region);

    /// <summary>Token usage (and cost, where priced) when the request ends.</summary>
    Task Usage(string requestId, UsageReport usage);

    /// <summary>A text event of a request that fans out to <paramref name="group"/>; seq counts every event from 1.</summary>
    Task GroupToken(string group, string requestId, long seq, string text);

    /// <summary>Any other event (reasoning, refusal, tool call, finish, usage) of a request that fans out to <paramref name="group"/>.</summary>
    Task GroupEvent(string group, string requestId, StreamEvent @event);

    /// <summary>The group request ended; <paramref name="code"/> is null on success.</summary>
    Task GroupCompleted(string group, string requestId, string? code);
}
