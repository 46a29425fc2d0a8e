using StreamHub.Contracts;

namespace StreamHub.Fanout;

/// <summary>
/// One message to a group's members, as it travels to every instance: a text event (<see cref="Text"/>), any other
/// event (<see cref="Event"/>), or the request's end (<see cref="End"/>, <see cref="Code"/> null on success).
/// <see cref="Group"/> is the name the members joined, as they see it.
/// </summary>
internal sealed record GroupMessage(string Group, string RequestId, long Seq, string? Text, StreamEvent? Event, bool End, string? Code)
{
    public static GroupMessage TextOf(string group, string requestId, long seq, string text) => new(group, requestId, seq, text, null, false, null);

    public static GroupMessage EventOf(string group, string requestId, StreamEvent item) => new(group, requestId, item.Seq, null, item, false, null);

    public static GroupMessage EndOf(string group, string requestId, string? code) => new(group, requestId, 0, null, null, true, code);
}
