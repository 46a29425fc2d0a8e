using System.CommandLine;

namespace StreamHub.Cli;

/// <summary>
/// The options every command takes. <c>--url</c> and <c>--key</c> default to the environment variables
/// <c>STREAMHUB_URL</c> and <c>STREAMHUB_API_KEY</c>; with neither, the URL is the local default run's.
/// </summary>
internal sealed class CommonOptions
{
    public const string UrlVariable = "STREAMHUB_URL";
    public const string KeyVariable = "STREAMHUB_API_KEY";
    public const string DefaultUrl = "http://localhost:5000";

    public Option<string> Url { get; } = new("--url")
    {
        Description = $"The deployment's base address, e.g. http://host:8080 (default: ${UrlVariable}, else {DefaultUrl})",
        Recursive = true,
        HelpName = "URL",
    };

    public Option<string?> Key { get; } = new("--key")
    {
        Description = $"A tenant API key (the admin key for stats); default: ${KeyVariable}",
        Recursive = true,
        HelpName = "KEY",
    };

    public Option<string?> Model { get; } = new("--model")
    {
        Description = "The model to ask for (default: the deployment's)",
        Recursive = true,
        HelpName = "MODEL",
    };

    public Option<string?> Priority { get; } = PriorityOption();

    private static Option<string?> PriorityOption()
    {
        var option = new Option<string?>("--priority")
        {
            Description = "critical, high, normal or low (capped by the key's tier)",
            Recursive = true,
            HelpName = "PRIORITY",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string?>();
            if (value is not null && value is not ("critical" or "high" or "normal" or "low"))
            {
                result.AddError($"--priority must be critical, high, normal or low, not '{value}'");
            }
        });
        return option;
    }

    /// <summary>The settings a command runs with, from the options and the environment.</summary>
    public CliSettings Read(ParseResult result)
    {
        var url = result.GetValue(Url);
        if (string.IsNullOrWhiteSpace(url))
        {
            url = Environment.GetEnvironmentVariable(UrlVariable);
        }

        var key = result.GetValue(Key);
        if (string.IsNullOrEmpty(key))
        {
            key = Environment.GetEnvironmentVariable(KeyVariable);
        }

        return CliSettings.Create(string.IsNullOrWhiteSpace(url) ? DefaultUrl : url, string.IsNullOrEmpty(key) ? null : key, result.GetValue(Model), result.GetValue(Priority));
    }
}
