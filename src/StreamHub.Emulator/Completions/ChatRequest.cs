using System.Text.Json;
using System.Text.Json.Serialization;

namespace StreamHub.Emulator.Completions;

/// <summary>The parts of an OpenAI chat-completion request the emulator reads; everything else is ignored.</summary>
internal sealed class ChatRequest
{
    public string? Model { get; set; }
    public List<ChatMessage>? Messages { get; set; }
    public int? MaxTokens { get; set; }
    public int? MaxCompletionTokens { get; set; }
    public bool Stream { get; set; }
    public StreamOptions? StreamOptions { get; set; }
    public double? Temperature { get; set; }
}

internal sealed class ChatMessage
{
    public string? Role { get; set; }

    /// <summary>A string, or an array of content parts (only their <c>text</c> is kept).</summary>
    public JsonElement Content { get; set; }

    public string ContentText()
    {
        switch (Content.ValueKind)
        {
            case JsonValueKind.String:
                return Content.GetString() ?? string.Empty;
            case JsonValueKind.Array:
                var parts = new List<string>();
                foreach (var part in Content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var text) && text.ValueKind == JsonValueKind.String)
                    {
                        parts.Add(text.GetString() ?? string.Empty);
                    }
                }

                return string.Concat(parts);
            default:
                return string.Empty;
        }
    }
}

internal sealed class StreamOptions
{
    public bool IncludeUsage { get; set; }
}

/// <summary>The <c>/v1/models</c> answer.</summary>
internal sealed record ModelList(string Object, IReadOnlyList<ModelCard> Data);

internal sealed record ModelCard(string Id, string Object, long Created, string OwnedBy);

/// <summary>OpenAI's wire names are snake_case; reading through this context keeps the hot path reflection-free.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ChatRequest))]
[JsonSerializable(typeof(ModelList))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext
{
}
