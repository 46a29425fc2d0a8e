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

    /// <summary>
    /// OpenAI's <c>tools</c>: an array of <c>{ "type", "function": { "name", … } }</c>; from <c>/v1/messages</c>,
    /// Anthropic's (<c>{ "name", "input_schema" }</c>, server tools). Each dialect's writer translates the other's
    /// by its shape.
    /// </summary>
    public JsonElement? Tools { get; init; }

    /// <summary>
    /// A string (<c>none</c>, <c>auto</c>, <c>required</c>) or an object naming the tool; from <c>/v1/messages</c>,
    /// Anthropic's object (<c>auto</c>, <c>any</c>, <c>tool</c>, <c>none</c>), which no OpenAI form shares.
    /// </summary>
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

    /// <summary>
    /// Whose names <see cref="Extra"/> uses: OpenAI's for <c>/v1/chat/completions</c>, Anthropic's for
    /// <c>/v1/messages</c>. A region of the other dialect gets the fields that have a counterpart translated and
    /// those only the caller's dialect knows left out; null (the hub's <c>extra</c>, written for whichever region
    /// answers) sends them verbatim everywhere.
    /// </summary>
    public Dialect? FieldsDialect { get; init; }
}
