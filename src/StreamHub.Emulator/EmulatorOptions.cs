namespace StreamHub.Emulator;

/// <summary>
/// How the emulated model behaves when no fault says otherwise. Bound from the "Emulator" section in the
/// standalone host; passed directly to <see cref="EmulatorServer.StartAsync"/> when hosted in-process.
/// </summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>Silence between the response headers and the first token (time to first token).</summary>
    public TimeSpan FirstTokenDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Token rate after the first token; pacing follows an absolute schedule so high rates stay accurate.</summary>
    public double TokensPerSecond { get; set; } = 200;

    /// <summary>Answer length when the request names no <c>max_tokens</c>.</summary>
    public int DefaultMaxTokens { get; set; } = 24;

    /// <summary>Upper bound on any answer, so a careless <c>max_tokens</c> cannot make the emulator allocate without limit.</summary>
    public int MaxTokensLimit { get; set; } = 100_000;

    /// <summary>The model listed by <c>/v1/models</c> and echoed when a request names none.</summary>
    public string Model { get; set; } = "emulator-1";
}
