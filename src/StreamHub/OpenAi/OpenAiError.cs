using System.Globalization;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.OpenAi;

/// <summary>
/// A contract failure in OpenAI's error shape, <c>{"error":{"message","type","param","code"}}</c>, with the
/// contract code as <c>code</c>, the HTTP status an OpenAI client branches on, and <c>Retry-After</c>
/// (whole seconds) where the failure knows when to come back. <paramref name="status"/> overrides the code's
/// status where HTTP has a more precise one (413 for a body over the limit).
/// </summary>
internal sealed class OpenAiError(StreamHubException failure, int? status = null) : IResult, IStatusCodeHttpResult
{
    public int StatusCode => status ?? StatusOf(failure.Code);

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public StreamHubException Failure => failure;

    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.InvalidRequest => StatusCodes.Status400BadRequest,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.Aborted => StatusCodes.Status409Conflict,
        ErrorCodes.RateLimited or ErrorCodes.QueueFull => StatusCodes.Status429TooManyRequests,
        ErrorCodes.UpstreamError or ErrorCodes.UpstreamInterrupted => StatusCodes.Status502BadGateway,
        ErrorCodes.UpstreamTimeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status503ServiceUnavailable, // queue_timeout, upstream_unavailable, shutting_down
    };

    /// <summary>OpenAI's <c>type</c> for a status, so SDKs that branch on it keep working.</summary>
    public static string TypeOf(string code) => StatusOf(code) switch
    {
        StatusCodes.Status400BadRequest => "invalid_request_error",
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        _ => "server_error",
    };

    /// <summary>The <c>error</c> object, as both the JSON body and the SSE <c>error</c> event carry it.</summary>
    public static void Write(Utf8JsonWriter json, StreamHubException failure)
    {
        json.WriteStartObject();
        json.WriteStartObject("error"u8);
        json.WriteString("message"u8, failure.ToWireMessage());
        json.WriteString("type"u8, TypeOf(failure.Code));
        json.WriteNull("param"u8);
        json.WriteString("code"u8, failure.Code);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json";
        if (failure.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        if (failure.Code == ErrorCodes.Unauthorized)
        {
            response.Headers.WWWAuthenticate = "Bearer";
        }

        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            Write(json, failure);
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
