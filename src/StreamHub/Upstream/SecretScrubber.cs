using System.Text.RegularExpressions;

namespace StreamHub.Upstream;

/// <summary>
/// Removes secrets from text that came from outside (an upstream's error message may echo the key it was
/// sent): every configured key, every region's further header and query value, and anything shaped like a provider key.
/// </summary>
internal sealed partial class SecretScrubber
{
    private readonly string[] _secrets;

    public SecretScrubber(IConfiguration configuration)
    {
        var secrets = new List<string>();
        Collect(configuration, secrets);
        _secrets = [.. secrets];
    }

    public string Scrub(string text)
    {
        foreach (var secret in _secrets)
        {
            text = text.Replace(secret, "[redacted]", StringComparison.Ordinal);
        }

        text = KeyShape().Replace(text, "[redacted]");
        return text.Length > 500 ? text[..500] + "…" : text;
    }

    private static void Collect(IConfiguration configuration, List<string> secrets)
    {
        foreach (var child in configuration.GetChildren())
        {
            if (child.Value is { Length: >= 6 } value && (child.Key.EndsWith("Key", StringComparison.OrdinalIgnoreCase) || IsRegionExtra(child.Path)))
            {
                secrets.Add(value);
            }

            Collect(child, secrets);
        }
    }

    /// <summary>A region's further header or query value (<c>Upstream:Regions:N:Headers:&lt;name&gt;</c>, <c>:Query:&lt;name&gt;</c>): secret like the key.</summary>
    private static bool IsRegionExtra(string path)
        => path.StartsWith("Upstream:Regions:", StringComparison.OrdinalIgnoreCase)
            && (path.Contains(":Headers:", StringComparison.OrdinalIgnoreCase) || path.Contains(":Query:", StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex(@"\b(sk|pk|rk|key)[-_][A-Za-z0-9_\-*]{6,}", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();
}
