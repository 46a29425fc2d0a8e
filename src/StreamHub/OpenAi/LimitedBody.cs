using System.Buffers;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace StreamHub.OpenAi;

/// <summary>
/// Reads a request body of at most <c>Streaming:MaxRequestBytes</c> into a <see cref="JsonDocument"/>, refusing a
/// larger one before parsing it (<see cref="BodyTooLargeException"/>): by its Content-Length without reading it,
/// and a chunked body as soon as what arrived passes the limit, so no more than the limit and one read is held.
/// The document owns a copy of the body, never the pipe's pooled buffers.
/// </summary>
internal static class LimitedBody
{
    /// <exception cref="JsonException">The body is not JSON.</exception>
    public static async Task<JsonDocument> ParseAsync(HttpRequest request, long limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw new BodyTooLargeException(limit);
        }

        // The server's own limit (Kestrel: about 28 MiB) would answer with an empty 413 instead of OpenAI's shape.
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } serverLimit)
        {
            serverLimit.MaxRequestBodySize = limit;
        }

        var reader = request.BodyReader;
        try
        {
            while (true)
            {
                var read = await reader.ReadAsync(cancellationToken);
                var buffer = read.Buffer;
                if (buffer.Length > limit)
                {
                    reader.AdvanceTo(buffer.End);
                    throw new BodyTooLargeException(limit);
                }

                if (read.IsCompleted)
                {
                    // Parsed from a copy: a JsonDocument keeps reading the memory it was given, and the pipe's
                    // buffers go back to the pool (and to another request's body) once advanced past.
                    var body = buffer.ToArray();
                    reader.AdvanceTo(buffer.End);
                    return JsonDocument.Parse(body);
                }

                // Keep everything; ask for more.
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new BodyTooLargeException(limit);
        }
    }
}
