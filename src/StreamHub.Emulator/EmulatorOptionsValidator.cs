using StreamHub.Validation;

namespace StreamHub.Emulator;

/// <summary>The <c>Emulator</c> rules across fields; the annotations on <see cref="EmulatorOptions"/> do the rest.</summary>
internal sealed class EmulatorOptionsValidator() : SettingsValidator<EmulatorOptions>(EmulatorOptions.SectionName)
{
    protected override void CheckFields(EmulatorOptions options, List<string> failures)
    {
        if (options.DefaultMaxTokens > options.MaxTokensLimit)
        {
            failures.Add($"{Section}:DefaultMaxTokens must not exceed {Section}:MaxTokensLimit (was {options.DefaultMaxTokens} > {options.MaxTokensLimit}).");
        }

        for (var i = 0; i < options.Models.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(options.Models[i]))
            {
                failures.Add($"{Section}:Models:{i} must not be empty.");
            }
        }

        foreach (var (key, value) in options.RequireHeaders)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                failures.Add($"{Section}:RequireHeaders:{key} needs a name and a value.");
            }
        }

        foreach (var (key, value) in options.RequireQuery)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                failures.Add($"{Section}:RequireQuery:{key} needs a name and a value.");
            }
        }
    }
}
