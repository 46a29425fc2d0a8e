using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace StreamHub.Observability;

/// <summary>
/// Guards the <c>/metrics</c> branch when <c>Observability:MetricsApiKey</c> is set: the scrape needs that key
/// as a bearer token, compared in constant time; anything else gets 401. Metrics name tenants, regions and
/// volumes, which are nobody's business on the open internet.
/// </summary>
internal sealed class MetricsKeyCheck(IOptions<ObservabilityOptions> options)
{
    public async Task InvokeAsync(HttpContext http, RequestDelegate next)
    {
        var key = options.Value.MetricsApiKey;
        if (string.IsNullOrEmpty(key) || Matches(http.Request.Headers.Authorization.ToString(), key))
        {
            await next(http);
            return;
        }

        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = "Bearer";
    }

    private static bool Matches(string header, string key)
    {
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Digests of equal length: the comparison reveals neither the key's length nor how much of a guess was right.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header["Bearer ".Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, SHA256.HashData(Encoding.UTF8.GetBytes(key)));
    }
}
