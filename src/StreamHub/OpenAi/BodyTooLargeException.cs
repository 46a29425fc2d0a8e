using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>A <c>/v1</c> body over <c>Streaming:MaxRequestBytes</c>: answered with 413 in OpenAI's error shape.</summary>
internal sealed class BodyTooLargeException(long limit)
    : Exception($"the request body is larger than {limit} bytes (Streaming:MaxRequestBytes)")
{
    public OpenAiError Error { get; } = new(
        new StreamHubException(ErrorCodes.InvalidRequest, $"the request body is larger than {limit} bytes; send a shorter history or fewer attachments"),
        StatusCodes.Status413PayloadTooLarge);
}
