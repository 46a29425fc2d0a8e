namespace StreamHub.Upstream;

/// <summary>
/// One entry of a chunk's <c>delta.tool_calls</c>: the call's <paramref name="Index"/>, its id and function name
/// (on the call's first delta) and the next fragment of its JSON arguments.
/// </summary>
internal readonly record struct ToolCallDelta(int Index, string? Id, string? Name, string? Arguments);
