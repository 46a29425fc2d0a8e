namespace StreamHub.Contracts;

/// <summary>
/// A wire format for chat: the one an upstream region speaks (<c>Upstream:Regions:N:Dialect</c>), and the one in
/// which a request's further body fields are named (<see cref="GenerationOptions.FieldsDialect"/>).
/// </summary>
internal enum Dialect
{
    /// <summary>OpenAI's chat completions (<c>/chat/completions</c>) and every OpenAI-compatible upstream.</summary>
    OpenAi,

    /// <summary>Anthropic's Messages API (<c>/messages</c>).</summary>
    Anthropic,
}
