using System.Buffers;
using System.Text.Json;
using StreamHub.Emulator.Faults;

namespace StreamHub.Emulator.Messages;

/// <summary>Anthropic-shaped error answers: <c>{"type":"error","error":{"type","message"},"request_id"}</c>.</summary>
internal static class AnthropicErrors
{
    public static async Task WriteAsync(HttpContext http, AnthropicError error, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w, error.Type, error.Message);
            w.Flush();
        }

        http.Response.StatusCode = error.Status;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
    }

    /// <summary>The error object, as a body and as the data of a mid-stream <c>error</c> event.</summary>
    public static void Write(Utf8JsonWriter w, string type, string message)
    {
        w.WriteStartObject();
        w.WriteString("type", "error");
        w.WriteStartObject("error");
        w.WriteString("type", type);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    }

    /// <summary>The <c>status=</c> fault (429 <c>rate_limit_error</c>, 529 <c>overloaded_error</c>, 500 <c>api_error</c>, …) with its retry headers.</summary>
    public static Task WriteStatusFaultAsync(HttpContext http, FaultSpec fault, TimeProvider time, CancellationToken ct)
    {
        var status = fault.Status ?? StatusCodes.Status500InternalServerError;
        RetryHeaders.Apply(http.Response.Headers, fault, time);
        var type = AnthropicError.TypeFor(status);
        var message = type switch
        {
            "overloaded_error" => "Overloaded",
            "rate_limit_error" => "Emulated rate limit: too many requests.",
            _ => $"Emulated upstream failure: HTTP {status}.",
        };
        return WriteAsync(http, new AnthropicError(status, type, message), ct);
    }
}
