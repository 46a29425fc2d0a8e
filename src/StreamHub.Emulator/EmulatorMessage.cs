namespace StreamHub.Emulator;

/// <summary>A chat message as received; content parts are joined into one string.</summary>
public sealed record EmulatorMessage(string Role, string Content);
