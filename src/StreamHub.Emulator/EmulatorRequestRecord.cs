namespace StreamHub.Emulator;

/// <summary>
/// One request as received, so tests can check what the gateway sent upstream: the raw body, headers and
/// query string of every request to <c>/v1/*</c> (refused ones too), and the parsed chat where there is one.
/// </summary>
/// <param name="Seq">Arrival number in the log, from 1.</param>
/// <param name="Authorization">The <c>Authorization</c> header as received.</param>
/// <param name="Fault">The fault spec applied (scripted or from a directive), or null.</param>
public sealed record EmulatorRequestRecord(
    long Seq,
    string? Model,
    string? Authorization,
    IReadOnlyList<EmulatorMessage> Messages,
    int? MaxTokens,
    bool Stream,
    string? Fault)
{
    public string Method { get; init; } = "POST";

    /// <summary>The request path, e.g. <c>/v1/chat/completions</c> or <c>/v1/messages</c>.</summary>
    public string Path { get; init; } = string.Empty;

    /// <summary>The raw query string with its <c>?</c> (e.g. <c>?api-version=2024-10-21</c>), or empty.</summary>
    public string Query { get; init; } = string.Empty;

    /// <summary>Every request header, names in lower case, repeated values joined with <c>", "</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The body as received (UTF-8), cut at <see cref="EmulatorState.MaxRecordedBodyBytes"/> bytes.</summary>
    public string Body { get; init; } = string.Empty;

    /// <summary>The names of the tools the request offered.</summary>
    public IReadOnlyList<string> Tools { get; init; } = [];

    /// <summary>The system prompt (Anthropic's top-level <c>system</c>; OpenAI's travels in <see cref="Messages"/>).</summary>
    public string? System { get; init; }

    /// <summary>The HTTP status the emulator answered with, when it refused the request before answering (else 200).</summary>
    public int Status { get; init; } = 200;
}
