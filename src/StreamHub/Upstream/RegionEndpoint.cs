using System.Net.Http.Headers;
using System.Text;

namespace StreamHub.Upstream;

/// <summary>
/// Where and how a region is called: its chat-completions URL with the region's query parameters
/// (<c>Upstream:Regions:N:Query</c>), and the headers every request carries: the key in <c>ApiKeyHeader</c>
/// (<c>Authorization: Bearer &lt;key&gt;</c> by default, the raw key in any other header) and
/// <c>Upstream:Regions:N:Headers</c>. Values are secrets: nothing here is logged or shown.
/// </summary>
internal sealed class RegionEndpoint
{
    private readonly AuthenticationHeaderValue? _bearer;
    private readonly KeyValuePair<string, string>[] _headers;

    public RegionEndpoint(RegionOptions options)
    {
        var baseUri = new Uri(options.BaseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        ChatCompletions = new Uri(baseUri, "chat/completions" + QueryString(options.Query));
        var headers = new List<KeyValuePair<string, string>>(options.Headers);
        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            if (string.Equals(options.ApiKeyHeader, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                _bearer = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            }
            else
            {
                headers.Add(new(options.ApiKeyHeader, options.ApiKey));
            }
        }

        _headers = [.. headers];
    }

    /// <summary>The region's <c>chat/completions</c> URL, its query parameters included.</summary>
    public Uri ChatCompletions { get; }

    /// <summary>Puts the key and the region's further headers on <paramref name="request"/>.</summary>
    public void Apply(HttpRequestMessage request)
    {
        if (_bearer is not null)
        {
            request.Headers.Authorization = _bearer;
        }

        foreach (var (name, value) in _headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static string QueryString(Dictionary<string, string> query)
    {
        if (query.Count == 0)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var (name, value) in query)
        {
            text.Append(text.Length == 0 ? '?' : '&').Append(Uri.EscapeDataString(name)).Append('=').Append(Uri.EscapeDataString(value));
        }

        return text.ToString();
    }
}
