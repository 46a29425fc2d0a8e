using System.Text.Json.Serialization;

namespace StreamHub.OpenAi;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ModelList))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
