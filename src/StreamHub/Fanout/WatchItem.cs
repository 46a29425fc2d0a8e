using System.Runtime.Serialization;

namespace StreamHub.Fanout;

/// <summary>One token of a watched request; <see cref="Seq"/> counts a request's tokens from 1.</summary>
/// <remarks>The data-contract names give MessagePack clients the same camelCase keys JSON clients see.</remarks>
[DataContract]
public sealed record WatchItem([property: DataMember(Name = "seq")] long Seq, [property: DataMember(Name = "text")] string Text);
