using System.Text.Json.Serialization;

namespace StreamHub.Admission.Cluster;

/// <summary>The records the cluster keeps in Redis; messages whole (<see cref="ResumableMessageJsonConverter"/>).</summary>
[JsonSourceGenerationOptions(Converters = [typeof(ResumableMessageJsonConverter)])]
[JsonSerializable(typeof(ResumableRecord))]
internal sealed partial class ClusterJsonContext : JsonSerializerContext;
