using System.Net.Http.Headers;
using System.Text;
using StreamHub.Contracts;

namespace StreamHub.Upstream;

/// <summary>
/// Where and how a region is called: its chat URL (<c>chat/completions</c>, or <c>messages</c> in the Anthropic
/// dialect) with the region's query parameters (<c>Upstream:Regions:N:Query</c>), and the headers every request
/// carries: the key in <see cref="RegionOptions.KeyHeader"/> (<c>Authorization: Bearer &lt;key&gt;</c>, or the raw
/// key in any other header: Anthropic's <c>x-api-key</c>), Anthropic's <c>anthropic-version</c> and
/// <c>Upstream:Regions:N:Headers</c> (which may add <c>anthropic-beta</c> or set another version). Values are
/// secrets: nothing here is logged or shown.
/// </summary>
internal sealed class RegionEndpoint
{
    /// <summary>The Messages API version an Anthropic region is sent unless its <c>Headers</c> name another.</summary>
    public const string AnthropicVersion = "2023-06-01";

    private readonly AuthenticationHeaderValue? _bearer;
    private readonly KeyValuePair<string, string>[] _headers;

    public RegionEndpoint(RegionOptions options)
    {
        var baseUri = new Uri(options.BaseUrl.TrimEnd('/') + "/", UriKind.Absolute);
        var path = options.Dialect == Dialect.Anthropic ? "messages" : "chat/completions";
        Address = new Uri(baseUri, path + QueryString(options.Query));
        var headers = new List<KeyValuePair<string, string>>(options.Headers);
        if (options.Dialect == Dialect.Anthropic && !options.Headers.ContainsKey("anthropic-version"))
        {
            headers.Add(new("anthropic-version", AnthropicVersion));
        }

        if (!string.IsNullOrEmpty(options.ApiKey))
        {
            if (string.Equals(options.KeyHeader, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                _bearer = new AuthenticationHeaderValue("Bearer", options.ApiKey);
            }
            else
            {
                headers.Add(new(options.KeyHeader, options.ApiKey));
            }
        }

        _headers = [.. headers];
    }

    /// <summary>The region's <c>chat/completions</c> (or <c>messages</c>) URL, its query parameters included.</summary>
    public Uri Address { get; }

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
