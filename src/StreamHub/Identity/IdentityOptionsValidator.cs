using StreamHub.Validation;

namespace StreamHub.Identity;

/// <summary>The <c>Identity</c> rules: the annotations on <see cref="IdentityOptions"/> (no rule spans fields yet).</summary>
internal sealed class IdentityOptionsValidator() : SettingsValidator<IdentityOptions>(IdentityOptions.Section);
