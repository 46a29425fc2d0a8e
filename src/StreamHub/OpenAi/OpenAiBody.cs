using System.Text.Json;
using StreamHub.Contracts;
using StreamHub.Streaming;

namespace StreamHub.OpenAi;

/// <summary>
/// An OpenAI chat body read by the pipeline's own parser (<see cref="StreamRequestParser"/>, OpenAI
/// names), plus what only this front door reads: <c>stream</c>, <c>stream_options.include_usage</c>,
/// <c>n</c>, and the <see cref="OpenAiHeaders"/> that override body fields of the same meaning.
/// </summary>
internal sealed record OpenAiBody(CompletionRequest Request, bool Stream, bool IncludeUsage)
{
    public static async Task<OpenAiBody> ReadAsync(HttpRequest http, StreamingOptions limits, CancellationToken cancellationToken)
    {
        JsonDocument document;
        try
        {
            document = await LimitedBody.ParseAsync(http, limits.MaxRequestBytes, cancellationToken);
        }
        catch (JsonException)
        {
            throw Invalid("the body must be a JSON object such as { \"model\": \"…\", \"messages\": [{ \"role\": \"user\", \"content\": \"Hello\" }] }");
        }

        using (document)
        {
            var json = document.RootElement;
            var request = StreamRequestParser.Parse(json, limits, RequestShape.OpenAi);
            var stream = Flag(json, "stream");
            var includeUsage = json.TryGetProperty("stream_options"u8, out var options) && options.ValueKind == JsonValueKind.Object
                && Flag(options, "include_usage");
            if (json.TryGetProperty("n"u8, out var n) && n.ValueKind != JsonValueKind.Null && !(n.TryGetInt32(out var count) && count == 1))
            {
                throw Invalid("n must be 1: StreamHub answers with one choice");
            }

            return new OpenAiBody(WithHeaders(request, http.Headers), stream, includeUsage);
        }
    }

    private static CompletionRequest WithHeaders(CompletionRequest request, IHeaderDictionary headers)
    {
        if (headers[OpenAiHeaders.RequestId].ToString() is { Length: > 0 } requestId)
        {
            request = request with { RequestId = StreamRequestParser.ValidRequestId(requestId, OpenAiHeaders.RequestId) };
        }

        if (headers[OpenAiHeaders.Group].ToString() is { Length: > 0 } group)
        {
            request = request with { Group = StreamRequestParser.ValidGroup(group, OpenAiHeaders.Group) };
        }

        if (headers[OpenAiHeaders.Priority].ToString() is { Length: > 0 } priority)
        {
            // The pipeline caps a higher ask to the tenant's tier.
            request = request with { Priority = StreamRequestParser.ParsePriority(priority, OpenAiHeaders.Priority) };
        }

        return request;
    }

    private static bool Flag(JsonElement json, string name) => !json.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null
        ? false
        : value.ValueKind is JsonValueKind.True or JsonValueKind.False
            ? value.GetBoolean()
            : throw Invalid($"{name} must be true or false");

    private static StreamHubException Invalid(string sentence) => new(ErrorCodes.InvalidRequest, sentence);
}
