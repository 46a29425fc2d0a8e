namespace StreamHub.Tests.Emulator;

/// <summary>A streamed tool call put back together; <see cref="Deltas"/> counts the deltas it came in.</summary>
internal sealed record AssembledCall(string Id, string Type, string Name, string Arguments, int Deltas);
