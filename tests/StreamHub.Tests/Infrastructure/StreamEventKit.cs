using Microsoft.AspNetCore.SignalR.Client;
using StreamHub.Contracts;

namespace StreamHub.Tests.Infrastructure;

/// <summary>Reading <c>StreamEvents</c> and putting tool calls back together, shared by the tests that use events.</summary>
public static class StreamEventKit
{
    /// <summary>A prompt whose answer has reasoning, two parallel tool calls and cached prompt tokens.</summary>
    public const string ToolPrompt = "[emulator: tools=2 parallel reasoning=3 cached=5] what is the weather";

    public static async Task<List<StreamEvent>> ReadEventsAsync(HubConnection connection, object request)
    {
        var reader = await connection.StreamAsChannelAsync<StreamEvent>("StreamEvents", request).WaitAsync(StreamHubServer.Timeout);
        return await Streams.ReadToEndAsync(reader);
    }

    /// <summary>Tool-call deltas put back together by index, as an SDK would.</summary>
    public static List<(int Index, string? Id, string? Name, string Arguments)> AssembleToolCalls(IEnumerable<StreamEvent> events) =>
    [
        .. events.Where(e => e.Type == StreamEventTypes.ToolCall)
            .GroupBy(e => e.Index!.Value)
            .OrderBy(g => g.Key)
            .Select(g => (g.Key, g.First().Id, g.First().Name, string.Concat(g.Select(e => e.Arguments)))),
    ];
}
