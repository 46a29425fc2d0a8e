namespace StreamHub.Emulator;

/// <summary>
/// Counters served at <c>/emulator/stats</c>. <see cref="OpenStreams"/> counts chat-completion requests being
/// served right now (client aborts included, they leave in a <c>finally</c>); a request ends either completed
/// (its planned response, faulty or not, was written) or aborted (the client went away, or the fault
/// dropped the connection).
/// </summary>
public sealed record EmulatorStats(int OpenStreams, long TotalRequests, long CompletedStreams, long AbortedStreams);
