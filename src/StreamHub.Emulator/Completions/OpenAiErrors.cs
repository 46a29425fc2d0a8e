using System.Buffers;
using System.Text.Json;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Completions;

/// <summary>OpenAI-shaped error answers: <c>{"error":{"message","type","param","code"}}</c>.</summary>
internal static class OpenAiErrors
{
    public static Task WriteAsync(HttpContext http, int status, string type, string? code, string message, CancellationToken ct) =>
        WriteAsync(http, new OpenAiError(status, type, code, null, message), ct);

    public static async Task WriteAsync(HttpContext http, OpenAiError error, CancellationToken ct)
    {
        var (status, type, code, param, message) = (error.Status, error.Type, error.Code, error.Param, error.Message);
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteStartObject("error");
            w.WriteString("message", message);
            w.WriteString("type", type);
            if (param is null)
            {
                w.WriteNull("param");
            }
            else
            {
                w.WriteString("param", param);
            }

            if (code is null)
            {
                w.WriteNumber("code", status);
            }
            else
            {
                w.WriteString("code", code);
            }

            w.WriteEndObject();
            w.WriteEndObject();
        }

        http.Response.StatusCode = status;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }

    /// <summary>The <c>status=</c> fault, with whichever Retry-After forms the spec asks for.</summary>
    public static Task WriteStatusFaultAsync(HttpContext http, FaultSpec fault, TimeProvider time, CancellationToken ct)
    {
        var status = fault.Status ?? StatusCodes.Status500InternalServerError;
        RetryHeaders.Apply(http.Response.Headers, fault, time);
        var (type, code) = Describe(status);
        return WriteAsync(http, status, type, code, $"Emulated upstream failure: HTTP {status}.", ct);
    }

    private static (string Type, string? Code) Describe(int status) => status switch
    {
        400 => ("invalid_request_error", "invalid_request"),
        401 => ("invalid_request_error", "invalid_api_key"),
        403 => ("permission_error", "forbidden"),
        404 => ("invalid_request_error", "model_not_found"),
        408 or 504 => ("timeout", "timeout"),
        429 => ("requests", "rate_limit_exceeded"),
        503 => ("server_error", "service_unavailable"),
        >= 500 => ("server_error", "server_error"),
        _ => ("invalid_request_error", null),
    };
}
