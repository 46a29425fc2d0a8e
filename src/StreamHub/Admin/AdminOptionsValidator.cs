using StreamHub.Validation;

namespace StreamHub.Admin;

/// <summary>The <c>Admin</c> rules: the annotations on <see cref="AdminOptions"/> (no rule spans fields yet).</summary>
internal sealed class AdminOptionsValidator() : SettingsValidator<AdminOptions>(AdminOptions.Section);
