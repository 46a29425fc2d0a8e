namespace StreamHub.Cors;

/// <summary>
/// Settings under <c>Cors</c>: the browser origins (<c>scheme://host[:port]</c>) whose pages may call the hub
/// and the OpenAI-compatible endpoint with a tenant key. Empty (the default) allows no origin, except that
/// in Development an empty list allows loopback pages (<c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>).
/// </summary>
internal sealed class AllowedOriginsOptions
{
    public const string Section = "Cors";

    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>An origin as browsers send it: absolute http(s), no path, query or fragment, no trailing slash.</summary>
    internal static bool IsOrigin(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri)
            && uri.Scheme is "http" or "https"
            && uri.AbsolutePath == "/"
            && string.IsNullOrEmpty(uri.Query)
            && string.IsNullOrEmpty(uri.Fragment)
            && string.IsNullOrEmpty(uri.UserInfo)
            && !value.EndsWith('/');

    internal static bool IsLoopback(string origin)
        => Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.IsLoopback;
}
