namespace StreamHub.Contracts;

/// <summary>A validated request: what both front doors hand to the completion pipeline.</summary>
internal sealed record CompletionRequest(
    string RequestId,
    IReadOnlyList<ChatMessage> Messages,
    string? Model,
    Priority? Priority,
    int? MaxTokens,
    double? Temperature,
    string? Group,
    bool Resumable)
{
    /// <summary>Characters of input, the basis of the token estimate before the upstream reports usage.</summary>
    public int InputChars
    {
        get
        {
            var total = 0;
            foreach (var message in Messages)
            {
                total += message.Content.Length;
            }

            return total;
        }
    }
}
