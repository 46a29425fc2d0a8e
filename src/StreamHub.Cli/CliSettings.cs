using StreamHub.Client;

namespace StreamHub.Cli;

/// <summary>Where and as whom a command talks to StreamHub.</summary>
internal sealed record CliSettings(Uri BaseUrl, Uri HubUrl, string? Key, string? Model, string? Priority)
{
    public const string HubPath = "hubs/stream";

    /// <summary>Settings for <paramref name="url"/>, the deployment's base address (the hub path is appended).</summary>
    /// <exception cref="StreamHubException"><c>invalid_request</c> when the URL is not an absolute http(s) address.</exception>
    public static CliSettings Create(string url, string? key, string? model, string? priority)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            throw new StreamHubException(StreamHubErrorCodes.InvalidRequest, $"--url must be an http(s) address such as {CommonOptions.DefaultUrl}, not '{url}'");
        }

        var text = parsed.GetLeftPart(UriPartial.Path).TrimEnd('/');
        if (text.EndsWith("/" + HubPath, StringComparison.OrdinalIgnoreCase))
        {
            text = text[..^(HubPath.Length + 1)];
        }

        var baseUrl = new Uri(text + "/");
        return new CliSettings(baseUrl, new Uri(baseUrl, HubPath), key, model, priority);
    }

    /// <summary>A client for these settings.</summary>
    public StreamHubChatClient CreateClient(IProgress<StreamHubProgress>? progress = null) => new(new StreamHubClientOptions
    {
        Url = HubUrl,
        ApiKey = Key,
        ModelId = Model,
        Priority = Priority,
        Progress = progress,
    });
}
