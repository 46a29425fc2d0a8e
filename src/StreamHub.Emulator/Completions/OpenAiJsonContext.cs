using System.Text.Json.Serialization;

namespace StreamHub.Emulator.Completions;

/// <summary>OpenAI's wire names are snake_case; reading through this context keeps the hot path reflection-free.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ModelList))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext
{
}
