namespace StreamHub.Upstream;

/// <summary>
/// What one Anthropic stream event's JSON said (<see cref="AnthropicEventReader"/>), gathered in one pass whatever
/// the order of its members: the event's type, its <c>delta</c>, <c>content_block</c> or <c>error</c> object's
/// members, and the usage counts it carried (null where absent).
/// </summary>
internal struct AnthropicEvent
{
    public string? Type;
    public int Index;
    public string? InnerType;
    public string? Text;
    public string? Thinking;
    public string? PartialJson;
    public string? Id;
    public string? Name;
    public string? StopReason;
    public string? Message;

    /// <summary><c>message_start</c>'s model.</summary>
    public string? Model;

    public int? InputTokens;
    public int? CacheReadTokens;
    public int? CacheWriteTokens;

    /// <summary><c>output_tokens</c> of a top-level <c>usage</c> (<c>message_delta</c>'s), never <c>message_start</c>'s.</summary>
    public int? OutputTokens;
}
