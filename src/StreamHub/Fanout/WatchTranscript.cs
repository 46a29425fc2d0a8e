namespace StreamHub.Fanout;

/// <summary>What a watch buffer holds at one moment: the tokens kept, and whether the request's end is among them.</summary>
internal sealed record WatchTranscript(IReadOnlyList<WatchItem> Items, bool Ended);
