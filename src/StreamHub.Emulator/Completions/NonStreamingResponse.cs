using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace StreamHub.Emulator.Completions;

/// <summary>
/// Writes one <c>stream: false</c> answer after the time the stream would have taken. Of the mid-stream
/// faults only the ones a whole-body answer can show apply: <c>drop-after</c> aborts and <c>stall-after</c>
/// (or <c>keepalive-stall-after</c>) never answers.
/// </summary>
internal static class NonStreamingResponse
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Returns true when the response ended by aborting the connection.</summary>
    public static async Task<bool> WriteAsync(HttpContext http, CompletionPlan plan, TimeProvider time, CancellationToken ct)
    {
        var count = plan.Tokens.Count;
        var generation = plan.FirstTokenDelay + TimeSpan.FromSeconds(Math.Max(0, count - 1) / plan.TokensPerSecond);
        await Task.Delay(generation, time, ct);

        var fault = plan.Fault;
        if (fault.DropAfter is not null)
        {
            http.Abort();
            return true;
        }

        if (fault.StallAfter is not null || fault.KeepaliveStallAfter is not null)
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, time, ct);
        }

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, JsonOptions))
        {
            new ChunkFormatter(plan).Completion(writer, string.Concat(plan.Tokens), count);
        }

        http.Response.StatusCode = StatusCodes.Status200OK;
        http.Response.ContentType = "application/json";
        await http.Response.Body.WriteAsync(buffer.WrittenMemory, ct);
        return false;
    }
}
