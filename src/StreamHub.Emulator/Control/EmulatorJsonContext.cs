using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Emulator.Control;

/// <summary>The control endpoints speak camelCase JSON, like the rest of StreamHub's own APIs.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(EmulatorStats))]
[JsonSerializable(typeof(IReadOnlyList<EmulatorRequestRecord>))]
[JsonSerializable(typeof(ScriptRequest))]
[JsonSerializable(typeof(ScriptAccepted))]
internal sealed partial class EmulatorJsonContext : JsonSerializerContext
{
}
