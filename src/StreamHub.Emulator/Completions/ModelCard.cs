namespace StreamHub.Emulator.Completions;

internal sealed record ModelCard(string Id, string Object, long Created, string OwnedBy);
