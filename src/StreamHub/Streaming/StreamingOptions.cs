using System.ComponentModel.DataAnnotations;

namespace StreamHub.Streaming;

/// <summary>Settings under <c>Streaming</c>: the hub's own limits on what one caller may send and hold.</summary>
internal sealed class StreamingOptions
{
    public const string Section = "Streaming";

    private const string Between = "{0} must be between {1} and {2}.";

    /// <summary>Concurrent streams one connection may hold (SignalR itself does not cap streaming calls).</summary>
    [Range(1, 1000, ErrorMessage = Between)]
    public int MaxStreamsPerConnection { get; set; } = 8;

    /// <summary>Concurrent <c>Watch</c> streams one connection may hold (<c>rate_limited</c> beyond).</summary>
    [Range(1, 10_000, ErrorMessage = Between)]
    public int MaxWatchesPerConnection { get; set; } = 64;

    /// <summary>
    /// How long a stream's buffer may stay full (its reader not reading) before the stream is ended with
    /// <c>aborted</c> and, for a caller, its request with it (upstream and admission permit released).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00", ErrorMessage = Between)]
    public TimeSpan StalledReaderTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest SignalR message accepted; above it SignalR closes the connection.</summary>
    /// <remarks>
    /// 4 MiB: MaxInputChars of text may arrive JSON-escaped (\uXXXX, six bytes a character), and input under
    /// the character limit must get invalid_request or an answer, never a closed connection.
    /// </remarks>
    [Range(typeof(long), "32768", "67108864", ErrorMessage = Between)]
    public long MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>The total characters of all messages (or the prompt) one request may carry.</summary>
    [Range(1, 16 * 1024 * 1024, ErrorMessage = Between)]
    public int MaxInputChars { get; set; } = 400_000;

    /// <summary>The most messages one request may carry.</summary>
    [Range(1, 100_000, ErrorMessage = Between)]
    public int MaxMessages { get; set; } = 1000;

    /// <summary>
    /// The largest <c>/v1</c> request body in bytes (8 MiB): a larger one gets 413 before it is parsed, whether
    /// its Content-Length says so or a chunked body grows past it.
    /// </summary>
    [Range(typeof(long), "1024", "1073741824", ErrorMessage = Between)]
    public long MaxRequestBytes { get; set; } = 8 * 1024 * 1024;

    /// <summary>The highest <c>maxTokens</c> a request may ask for.</summary>
    [Range(1, 10_000_000, ErrorMessage = Between)]
    public int MaxTokensLimit { get; set; } = 32_768;

    /// <summary>Tokens buffered between the upstream read and the caller's connection (backpressure).</summary>
    [Range(1, 4096, ErrorMessage = Between)]
    public int StreamBufferTokens { get; set; } = 32;

    /// <summary>
    /// Off when absent. When set, each stream item carries every token queued at that moment, after waiting
    /// up to this long for more (00:00:00 coalesces only what is already queued, at no added latency).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:01", ErrorMessage = "{0} must be between {1} and {2} (or absent for off).")]
    public TimeSpan? CoalesceWindow { get; set; }
}
