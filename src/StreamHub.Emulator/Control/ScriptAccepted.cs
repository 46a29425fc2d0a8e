namespace StreamHub.Emulator.Control;

/// <summary>How many scripted faults wait for requests.</summary>
internal sealed record ScriptAccepted(int Queued);
