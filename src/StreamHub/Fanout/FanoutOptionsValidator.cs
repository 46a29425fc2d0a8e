using StreamHub.Validation;

namespace StreamHub.Fanout;

/// <summary>The <c>Fanout</c> rules: the annotations on <see cref="FanoutOptions"/> (no rule spans fields yet).</summary>
internal sealed class FanoutOptionsValidator() : SettingsValidator<FanoutOptions>(FanoutOptions.Section);
