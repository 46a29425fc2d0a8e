using System.Text.RegularExpressions;

namespace StreamHub.Emulator.Faults;

/// <summary>
/// Finds <c>[emulator: …]</c> directives in a user message. They are removed (and the rest trimmed) before
/// the answer is generated, so a prompt's answer is the same with or without a fault attached.
/// </summary>
internal static partial class FaultDirective
{
    /// <summary>The prompt without directives; <paramref name="spec"/> joins every directive found, or is null.</summary>
    public static string Strip(string content, out string? spec)
    {
        spec = null;
        var matches = Directive().Matches(content);
        if (matches.Count == 0)
        {
            return content.Trim();
        }

        spec = string.Join(' ', matches.Select(m => m.Groups["spec"].Value.Trim()));
        return Directive().Replace(content, string.Empty).Trim();
    }

    [GeneratedRegex(@"\[emulator:(?<spec>[^\]]*)\]", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Directive();
}
