namespace StreamHub.Emulator.Completions;

/// <summary>One error answer in OpenAI's shape: <c>{"error":{"message","type","param","code"}}</c> with this status.</summary>
internal sealed record OpenAiError(int Status, string Type, string? Code, string? Param, string Message)
{
    public static OpenAiError Invalid(string? param, string message) => new(400, "invalid_request_error", "invalid_request", param, message);
}
