namespace StreamHub.Benchmarks.Load;

/// <summary>
/// The prompt every stream sends: distinct text per stream, and the schedule as an emulator directive.
/// <c>stamp-text</c> makes the emulator end each token's text with <c>@</c> and its emit moment (Stopwatch
/// ticks, the same monotonic clock in every process on this machine), which survives every peer's re-framing.
/// </summary>
internal static class Prompts
{
    public static string For(int slot, int tokens, double tps, TimeSpan firstTokenDelay)
        => FormattableString.Invariant($"benchmark stream {slot} [emulator: tps={tps} tokens={tokens} ttft-ms={(int)firstTokenDelay.TotalMilliseconds} stamp-text]");

    /// <summary>"queue_full: the normal queue..." becomes "queue_full".</summary>
    public static string Code(string message)
    {
        var colon = message.IndexOf(':', StringComparison.Ordinal);
        return colon is > 0 and <= 40 ? message[..colon] : "uncoded";
    }

    /// <summary>The emit stamp at the end of a token's text ("word@123456789"), or 0 when it has none.</summary>
    public static long Stamp(ReadOnlySpan<char> text)
    {
        var at = text.LastIndexOf('@');
        return at >= 0 && long.TryParse(text[(at + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var ts) ? ts : 0;
    }

    /// <summary>The same for the raw UTF-8 of a JSON string value (no escapes follow the stamp).</summary>
    public static long Stamp(ReadOnlySpan<byte> utf8)
    {
        var at = utf8.LastIndexOf((byte)'@');
        return at >= 0 && System.Buffers.Text.Utf8Parser.TryParse(utf8[(at + 1)..], out long ts, out var used) && used == utf8.Length - at - 1 ? ts : 0;
    }
}
