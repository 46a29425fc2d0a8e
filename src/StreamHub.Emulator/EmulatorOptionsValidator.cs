using Microsoft.Extensions.Options;

namespace StreamHub.Emulator;

/// <summary>Fails start-up on a setting the emulator cannot honour, naming the configuration key.</summary>
internal sealed class EmulatorOptionsValidator : IValidateOptions<EmulatorOptions>
{
    public ValidateOptionsResult Validate(string? name, EmulatorOptions options)
    {
        var failures = new List<string>();
        var prefix = EmulatorOptions.SectionName;
        if (options.FirstTokenDelay < TimeSpan.Zero)
        {
            failures.Add($"{prefix}:FirstTokenDelay must not be negative (was {options.FirstTokenDelay}).");
        }

        if (!(options.TokensPerSecond > 0) || double.IsInfinity(options.TokensPerSecond))
        {
            failures.Add($"{prefix}:TokensPerSecond must be a positive finite number (was {options.TokensPerSecond}).");
        }

        if (options.MaxTokensLimit < 1)
        {
            failures.Add($"{prefix}:MaxTokensLimit must be at least 1 (was {options.MaxTokensLimit}).");
        }

        if (options.DefaultMaxTokens < 1 || options.DefaultMaxTokens > options.MaxTokensLimit)
        {
            failures.Add($"{prefix}:DefaultMaxTokens must be between 1 and MaxTokensLimit (was {options.DefaultMaxTokens}).");
        }

        if (string.IsNullOrWhiteSpace(options.Model))
        {
            failures.Add($"{prefix}:Model must not be empty.");
        }

        for (var i = 0; i < options.Models.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Models[i]))
            {
                failures.Add($"{prefix}:Models:{i} must not be empty.");
            }
        }

        foreach (var (key, value) in options.RequireHeaders.Concat(options.RequireQuery))
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                failures.Add($"{prefix}:RequireHeaders/RequireQuery entry '{key}' needs a name and a value.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
