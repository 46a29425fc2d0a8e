using System.Globalization;
using System.Text.Json;
using StreamHub.Contracts;

namespace StreamHub.Anthropic;

/// <summary>
/// A contract failure in Anthropic's error shape, <c>{"type":"error","error":{"type","message"},"request_id"}</c>,
/// with the status and <c>error.type</c> an Anthropic client branches on: <c>invalid_request_error</c> 400,
/// <c>authentication_error</c> 401, <c>permission_error</c> 403, <c>not_found_error</c> 404, <c>request_too_large</c>
/// 413, <c>rate_limit_error</c> 429 (<c>rate_limited</c>, <c>queue_full</c>), <c>overloaded_error</c> 529
/// (<c>upstream_unavailable</c>, <c>queue_timeout</c>, <c>shutting_down</c>), <c>timeout_error</c> 504
/// (<c>upstream_timeout</c>), <c>api_error</c> 500 (the rest). The message is the contract's <c>code: sentence</c>,
/// and <c>Retry-After</c> (whole seconds) goes with a failure that knows when to come back.
/// </summary>
internal sealed class AnthropicError(StreamHubException failure, string? requestId, int? status = null, string? type = null)
    : IResult, IStatusCodeHttpResult
{
    public const int Overloaded = 529;

    public int StatusCode => status ?? StatusOf(failure.Code);

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public static int StatusOf(string code) => code switch
    {
        ErrorCodes.InvalidRequest => StatusCodes.Status400BadRequest,
        ErrorCodes.Unauthorized => StatusCodes.Status401Unauthorized,
        ErrorCodes.Forbidden => StatusCodes.Status403Forbidden,
        ErrorCodes.RateLimited or ErrorCodes.QueueFull => StatusCodes.Status429TooManyRequests,
        ErrorCodes.UpstreamUnavailable or ErrorCodes.QueueTimeout or ErrorCodes.ShuttingDown => Overloaded,
        ErrorCodes.UpstreamTimeout => StatusCodes.Status504GatewayTimeout,
        _ => StatusCodes.Status500InternalServerError, // upstream_error, upstream_interrupted, aborted
    };

    public static string TypeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "invalid_request_error",
        StatusCodes.Status401Unauthorized => "authentication_error",
        StatusCodes.Status403Forbidden => "permission_error",
        StatusCodes.Status404NotFound => "not_found_error",
        StatusCodes.Status413PayloadTooLarge => "request_too_large",
        StatusCodes.Status429TooManyRequests => "rate_limit_error",
        StatusCodes.Status504GatewayTimeout => "timeout_error",
        Overloaded => "overloaded_error",
        _ => "api_error",
    };

    /// <summary>The error object, as both the JSON body and the data of a mid-stream <c>error</c> event carry it.</summary>
    public static void Write(Utf8JsonWriter json, StreamHubException failure, string? requestId, string? type = null)
    {
        json.WriteStartObject();
        json.WriteString("type"u8, "error"u8);
        json.WriteStartObject("error"u8);
        json.WriteString("type"u8, type ?? TypeOf(StatusOf(failure.Code)));
        json.WriteString("message"u8, failure.ToWireMessage());
        json.WriteEndObject();
        if (requestId is not null)
        {
            json.WriteString("request_id"u8, requestId);
        }

        json.WriteEndObject();
    }

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "application/json";
        if (requestId is not null)
        {
            response.Headers[MessagesEndpoint.RequestIdHeader] = requestId;
        }

        if (failure.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        await using (var json = new Utf8JsonWriter(response.BodyWriter))
        {
            Write(json, failure, requestId, type ?? TypeOf(StatusCode));
        }

        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
