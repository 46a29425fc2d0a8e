using System.Runtime.Serialization;

namespace StreamHub.Client;

/// <summary>
/// One event of a request as the hub's <c>StreamEvents</c> and <c>Watch</c> stream it: <see cref="Seq"/> numbers a
/// request's events from 1 with no gaps, <see cref="Type"/> says which fields are set.
/// </summary>
/// <remarks>The data-contract names are the hub's camelCase keys, for MessagePack as for JSON.</remarks>
[DataContract]
public sealed class StreamHubEvent
{
    /// <summary>The event's place in its request, from 1.</summary>
    [DataMember(Name = "seq")]
    public long Seq { get; init; }

    /// <summary><c>text</c>, <c>reasoning</c>, <c>refusal</c>, <c>toolCall</c>, <c>finish</c> or <c>usage</c>; absent means text.</summary>
    [DataMember(Name = "type")]
    public string? Type { get; init; }

    /// <summary>The fragment of a text, reasoning or refusal event.</summary>
    [DataMember(Name = "text")]
    public string? Text { get; init; }

    /// <summary>Which tool call a toolCall fragment belongs to.</summary>
    [DataMember(Name = "index")]
    public int? Index { get; init; }

    /// <summary>The tool call's id (on its first fragment).</summary>
    [DataMember(Name = "id")]
    public string? Id { get; init; }

    /// <summary>The tool's name (on the call's first fragment).</summary>
    [DataMember(Name = "name")]
    public string? Name { get; init; }

    /// <summary>The next fragment of the call's JSON arguments.</summary>
    [DataMember(Name = "arguments")]
    public string? Arguments { get; init; }

    /// <summary><c>stop</c>, <c>length</c>, <c>tool_calls</c> or <c>content_filter</c>, on the finish event.</summary>
    [DataMember(Name = "finishReason")]
    public string? FinishReason { get; init; }

    /// <summary>The model that answered, as the upstream named it, on the finish event.</summary>
    [DataMember(Name = "model")]
    public string? Model { get; init; }

    /// <summary>The request's usage, on the usage event.</summary>
    [DataMember(Name = "usage")]
    public StreamHubUsage? Usage { get; init; }
}
