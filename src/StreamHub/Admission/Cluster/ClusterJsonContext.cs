using System.Text.Json.Serialization;

namespace StreamHub.Admission.Cluster;

/// <summary>The records the cluster keeps in Redis.</summary>
[JsonSerializable(typeof(ResumableRecord))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
