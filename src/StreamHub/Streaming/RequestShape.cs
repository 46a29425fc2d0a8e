namespace StreamHub.Streaming;

/// <summary>Whose wire names a request body uses.</summary>
internal enum RequestShape
{
    /// <summary>The hub contract's camelCase (<c>maxTokens</c>, <c>toolCalls</c>); unknown fields are ignored, <c>extra</c> carries more.</summary>
    Hub,

    /// <summary>
    /// OpenAI's chat body: snake_case, <c>max_completion_tokens</c> or <c>max_tokens</c> (kept under the caller's
    /// name), and every field StreamHub does not read forwarded upstream as it came.
    /// </summary>
    OpenAi,
}
