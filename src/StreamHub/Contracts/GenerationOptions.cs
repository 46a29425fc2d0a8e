using System.Text.Json;

namespace StreamHub.Contracts;

/// <summary>
/// What a request asks of the model besides its messages: the tools it may call and how, the answer's format,
/// stop sequences, sampling, reasoning effort, and any further upstream body fields. Kept structured (JSON where
/// OpenAI's shape is open-ended) so that each upstream dialect writes them its own way; null members are not sent.
/// </summary>
internal sealed record GenerationOptions
{
    public const string MaxTokensField = "max_tokens";
    public const string MaxCompletionTokensField = "max_completion_tokens";

    public static readonly GenerationOptions None = new();

    /// <summary>OpenAI's <c>tools</c>: an array of <c>{ "type", "function": { "name", … } }</c>.</summary>
    public JsonElement? Tools { get; init; }

    /// <summary>A string (<c>none</c>, <c>auto</c>, <c>required</c>) or an object naming the tool.</summary>
    public JsonElement? ToolChoice { get; init; }

    /// <summary>An object with a string <c>type</c>.</summary>
    public JsonElement? ResponseFormat { get; init; }

    /// <summary>A string or an array of strings.</summary>
    public JsonElement? Stop { get; init; }

    public long? Seed { get; init; }

    public double? TopP { get; init; }

    public string? ReasoningEffort { get; init; }

    /// <summary>
    /// The upstream body's name for the request's token limit: <see cref="MaxCompletionTokensField"/> when the
    /// caller used that name, else <see cref="MaxTokensField"/>.
    /// </summary>
    public string MaxTokensName { get; init; } = MaxTokensField;

    /// <summary>Further upstream body fields by the caller's name, sent verbatim; never one StreamHub sets.</summary>
    public IReadOnlyDictionary<string, JsonElement> Extra { get; init; } = new Dictionary<string, JsonElement>();
}
