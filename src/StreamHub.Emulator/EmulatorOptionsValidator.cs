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
    }
}
