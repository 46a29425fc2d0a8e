using System.Text.Encodings.Web;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// What StreamHub asks of an upstream region: the validated request, in the upstream's terms. The body is
/// written for a given upstream model name (regions may call the same model differently); <see cref="RequestBodies"/>
/// writes it once per name for every attempt of an open.
/// </summary>
internal sealed record UpstreamCall(IReadOnlyList<ChatMessage> Messages, string Model, int? MaxTokens, double? Temperature)
{
    // The body is JSON for an API, never HTML: text, data URLs and non-Latin scripts stay as they are instead of \uXXXX.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Tools, format, stop sequences, sampling and further fields, written after StreamHub's own.</summary>
    public GenerationOptions Options { get; init; } = GenerationOptions.None;

    /// <summary>
    /// The <c>max_tokens</c> an Anthropic region is sent when the request names none (it requires one):
    /// <c>Streaming:MaxTokensLimit</c>, which the pipeline sets.
    /// </summary>
    public int TokenLimit { get; init; } = 32_768;

    /// <summary>The call for a validated request; <paramref name="model"/> is the client-facing name it asks for.</summary>
    public static UpstreamCall For(CompletionRequest request, string model, int tokenLimit)
        => new(request.Messages, model, request.MaxTokens, request.Temperature) { Options = request.Options, TokenLimit = tokenLimit };

    /// <summary>The body for a region of <paramref name="dialect"/>, with <paramref name="model"/> as the upstream's model name.</summary>
    public byte[] ToRequestBody(string model, Dialect dialect = Dialect.OpenAi)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            if (dialect == Dialect.Anthropic)
            {
                AnthropicRequestWriter.Write(writer, this, model);
            }
            else
            {
                OpenAiRequestWriter.Write(writer, this, model);
            }
        }

        return buffer.WrittenSpan.ToArray();
    }
}

