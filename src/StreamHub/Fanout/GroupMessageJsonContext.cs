using System.Text.Json.Serialization;

namespace StreamHub.Fanout;

/// <summary>How a <see cref="GroupMessage"/> crosses Redis between instances.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GroupMessage))]
internal sealed partial class GroupMessageJsonContext : JsonSerializerContext;
