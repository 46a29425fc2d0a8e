namespace StreamHub.Emulator.Messages;

/// <summary>One error answer in Anthropic's shape: <c>{"type":"error","error":{"type","message"}}</c> with this status.</summary>
internal sealed record AnthropicError(int Status, string Type, string Message)
{
    public static AnthropicError Invalid(string message) => new(400, "invalid_request_error", message);

    /// <summary>The error type Anthropic uses for a status.</summary>
    public static string TypeFor(int status) => status switch
    {
        400 => "invalid_request_error",
        401 => "authentication_error",
        402 => "billing_error",
        403 => "permission_error",
        404 => "not_found_error",
        413 => "request_too_large",
        429 => "rate_limit_error",
        504 => "timeout_error",
        529 => "overloaded_error",
        >= 500 => "api_error",
        _ => "invalid_request_error",
    };
}
