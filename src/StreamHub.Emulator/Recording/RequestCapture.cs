using System.Buffers;
using System.Text;

namespace StreamHub.Emulator.Recording;

/// <summary>Reads a request's body whole and describes the request for the log, before anything is parsed.</summary>
internal static class RequestCapture
{
    /// <summary>The largest body read (Kestrel's own limit, 30 MB by default, applies first).</summary>
    public const int MaxBodyBytes = 32 * 1024 * 1024;

    public static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        var buffer = new ArrayBufferWriter<byte>(request.ContentLength is > 0 and < MaxBodyBytes ? (int)request.ContentLength.Value : 1024);
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await request.Body.ReadAsync(memory, ct);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
            {
                throw new InvalidDataException($"The body is larger than {MaxBodyBytes} bytes.");
            }
        }
    }

    /// <summary>Method, path, query, headers and body; the caller fills in the parsed chat.</summary>
    public static EmulatorRequestRecord Describe(HttpContext http, ReadOnlySpan<byte> body)
    {
        var request = http.Request;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers)
        {
            headers[name.ToLowerInvariant()] = values.ToString();
        }

        var chars = Math.Min(body.Length, EmulatorState.MaxRecordedBodyBytes);
        return new EmulatorRequestRecord(0, null, request.Headers.Authorization.FirstOrDefault(), [], null, false, null)
        {
            Method = request.Method,
            Path = request.Path.Value ?? string.Empty,
            Query = request.QueryString.Value ?? string.Empty,
            Headers = headers,
            Body = Encoding.UTF8.GetString(body[..chars]),
        };
    }
}
