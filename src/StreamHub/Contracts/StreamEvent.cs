using System.Runtime.Serialization;
using System.Text.Json.Serialization;

namespace StreamHub.Contracts;

/// <summary>
/// One event of a request, as <c>StreamEvents</c>, <c>Watch</c> and <c>GroupEvent</c> deliver it. <see cref="Seq"/>
/// numbers every event of a request from 1 with no gaps; <see cref="Type"/> (<see cref="StreamEventTypes"/>) says
/// which other members are set: <c>text</c>, <c>reasoning</c> and <c>refusal</c> carry <see cref="Text"/>;
/// <c>toolCall</c> carries <see cref="Index"/>, <see cref="Id"/> and <see cref="Name"/> (on a call's first delta)
/// and <see cref="Arguments"/> (the next fragment of the call's JSON arguments); <c>finish</c> carries
/// <see cref="FinishReason"/> and <see cref="Model"/> (as the upstream reported it); <c>usage</c> carries
/// <see cref="Usage"/>. Members that do not apply are null and left out of JSON.
/// </summary>
/// <remarks>The data-contract names give MessagePack clients the same camelCase keys JSON clients see.</remarks>
[DataContract]
public sealed record StreamEvent
{
    [DataMember(Name = "seq")]
    public long Seq { get; init; }

    [DataMember(Name = "type")]
    public string Type { get; init; } = StreamEventTypes.Text;

    [DataMember(Name = "text")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Text { get; init; }

    [DataMember(Name = "index")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? Index { get; init; }

    [DataMember(Name = "id")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Id { get; init; }

    [DataMember(Name = "name")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Name { get; init; }

    [DataMember(Name = "arguments")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Arguments { get; init; }

    [DataMember(Name = "finishReason")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? FinishReason { get; init; }

    [DataMember(Name = "model")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Model { get; init; }

    [DataMember(Name = "usage")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public UsageReport? Usage { get; init; }
}
