using System.ComponentModel.DataAnnotations;

namespace StreamHub.Emulator;

/// <summary>
/// How the emulated model behaves when no fault says otherwise: the <c>Emulator</c> section, bound and
/// validated by <see cref="EmulatorExtensions.AddEmulatorSettings"/>; passed directly to
/// <see cref="EmulatorServer.StartAsync"/>, which checks it with the same rules.
/// </summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    /// <summary>Silence between the response headers and the first token (time to first token).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00", ErrorMessage = "{0} must be a TimeSpan between {1} and {2}.")]
    public TimeSpan FirstTokenDelay { get; set; } = TimeSpan.FromMilliseconds(20);

    /// <summary>Token rate after the first token; pacing follows an absolute schedule so high rates stay accurate.</summary>
    [Range(0.0, double.MaxValue, MinimumIsExclusive = true, ErrorMessage = "{0} must be a positive finite number.")]
    public double TokensPerSecond { get; set; } = 200;

    /// <summary>Answer length when the request names no <c>max_tokens</c>.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "{0} must be at least 1.")]
    public int DefaultMaxTokens { get; set; } = 24;

    /// <summary>Upper bound on any answer, so a careless <c>max_tokens</c> cannot make the emulator allocate without limit.</summary>
    [Range(1, int.MaxValue, ErrorMessage = "{0} must be at least 1.")]
    public int MaxTokensLimit { get; set; } = 100_000;

    /// <summary>
    /// <c>Emulator:AllowFaultDirectives</c> (default on): whether <c>[emulator: …]</c> directives in prompts and the
    /// scripted fault queue may change answers. Off, a directive is just text and <c>POST /emulator/script</c> is
    /// refused (403), so a deployment's callers cannot make the emulator fail on purpose.
    /// </summary>
    public bool AllowFaultDirectives { get; set; } = true;

    /// <summary>The model listed by <c>/v1/models</c> (when <see cref="Models"/> is empty) and used when a request names none.</summary>
    [Required(ErrorMessage = "{0} must not be empty.")]
    public string Model { get; set; } = "emulator-1";

    /// <summary>
    /// <c>Emulator:Models:K</c>: the only model names this emulator knows, as a real provider knows its own; any
    /// other gets 404 (<c>model_not_found</c> / <c>not_found_error</c>). Empty (the default): any name.
    /// </summary>
    public List<string> Models { get; set; } = [];

    /// <summary>
    /// <c>Emulator:RequireHeaders:&lt;name&gt;</c>: headers every <c>/v1</c> request must carry with exactly this value
    /// (e.g. <c>api-key</c>, or <c>Authorization</c> = <c>Bearer sk-…</c>); 401 otherwise.
    /// </summary>
    public Dictionary<string, string> RequireHeaders { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary><c>Emulator:RequireQuery:&lt;name&gt;</c>: query parameters every <c>/v1</c> request must carry with exactly this value (e.g. <c>api-version</c>); 401 otherwise.</summary>
    public Dictionary<string, string> RequireQuery { get; set; } = new(StringComparer.Ordinal);
}
