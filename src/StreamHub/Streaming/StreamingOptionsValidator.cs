using StreamHub.Validation;

namespace StreamHub.Streaming;

/// <summary>The <c>Streaming</c> rules: the annotations on <see cref="StreamingOptions"/> (no rule spans fields yet).</summary>
internal sealed class StreamingOptionsValidator() : SettingsValidator<StreamingOptions>(StreamingOptions.Section);
