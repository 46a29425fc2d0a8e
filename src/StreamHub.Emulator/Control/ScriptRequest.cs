namespace StreamHub.Emulator.Control;

/// <summary>The <c>/emulator/script</c> body.</summary>
internal sealed record ScriptRequest(IReadOnlyList<string>? Faults);
