using StackExchange.Redis;
using StreamHub.Validation;

namespace StreamHub.Fanout;

/// <summary>The <c>Redis</c> rules: the annotations on <see cref="RedisSettings"/> and a connection string that parses.</summary>
internal sealed class RedisSettingsValidator() : SettingsValidator<RedisSettings>(RedisSettings.Section)
{
    protected override void CheckFields(RedisSettings options, List<string> failures)
    {
        if (!options.Enabled)
        {
            return;
        }

        try
        {
            _ = ConfigurationOptions.Parse(options.ConnectionString!);
        }
        catch (ArgumentException ex)
        {
            // The parser's message names the option at fault, not the password.
            failures.Add($"Redis:ConnectionString is not a StackExchange.Redis configuration string: {ex.Message}");
        }
    }
}
