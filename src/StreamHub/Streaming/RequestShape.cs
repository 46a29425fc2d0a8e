namespace StreamHub.Streaming;

/// <summary>Whose wire names a request body uses.</summary>
internal enum RequestShape
{
    /// <summary>The hub contract's camelCase (<c>maxTokens</c>, <c>requestId</c>).</summary>
    Hub,

    /// <summary>OpenAI's chat body: snake_case, <c>max_completion_tokens</c> as an alias of <c>max_tokens</c>.</summary>
    OpenAi,
}
