using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>What a watch buffer holds at one moment: the events kept, and whether the request's end is among them.</summary>
internal sealed record WatchTranscript(IReadOnlyList<CompletionEvent> Events, bool Ended);
