using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using StreamHub.Tests.Infrastructure;

namespace StreamHub.Tests.Admin;

/// <summary>Keys, settings and small clients shared by the admin and observability tests.</summary>
internal static class AdminTestKit
{
    public const string AdminKey = "admin-key-0123456789abcdef";
    public const string TenantKey = "tenant-key-0123456789abcdef";
    public const string Slow = "[emulator: tps=5 tokens=1000] hold a slot";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>An admin key, one tenant ("acme", high tier) and the extra settings of a test.</summary>
    public static Dictionary<string, string?> Settings(params (string Key, string? Value)[] extra)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Admin:ApiKey"] = AdminKey,
            ["Tenants:0:Name"] = "acme",
            ["Tenants:0:ApiKey"] = TenantKey,
            ["Tenants:0:Tier"] = "High",
        };
        foreach (var (key, value) in extra)
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>An HTTP client for <paramref name="server"/> that sends <paramref name="key"/> (the admin key by default).</summary>
    public static HttpClient Http(StreamHubServer server, string? key = AdminKey) => server.CreateHttpClient(key);

    public static async Task<T> GetJsonAsync<T>(this HttpClient http, string path)
        => (await http.GetFromJsonAsync<T>(path, Json).WaitAsync(Waits.Timeout))!;

    /// <summary>Sends <paramref name="method"/> to <paramref name="path"/> (a PUT carries an empty JSON object), bounded.</summary>
    public static Task<HttpResponseMessage> SendAsync(HttpClient http, string method, string path)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return http.SendAsync(request).WaitAsync(Waits.Timeout);
    }

    /// <summary>Forwards to <see cref="Waits.EventuallyAsync(Func{Task{bool}}, string, TimeSpan?)"/>, the suite's one poll.</summary>
    public static Task EventuallyAsync(Func<Task<bool>> condition, string what) => Waits.EventuallyAsync(condition, what);

    /// <summary>Forwards to <see cref="Waits.EventuallyAsync(Func{bool}, string, TimeSpan?)"/>, the suite's one poll.</summary>
    public static Task EventuallyAsync(Func<bool> condition, string what) => Waits.EventuallyAsync(condition, what);

    public static Task<List<string>> ReadToEndAsync(ChannelReader<string> reader) => Streams.ReadToEndAsync(reader);
}
