using System.Text.Json;

namespace StreamHub.Upstream;

/// <summary>Returns the common finish reasons as shared strings so the finish chunk allocates nothing.</summary>
internal static class FinishReasons
{
    public const string Stop = "stop";
    public const string Length = "length";
    public const string ToolCalls = "tool_calls";
    public const string ContentFilter = "content_filter";

    public static string Intern(ref Utf8JsonReader reader)
    {
        if (reader.ValueTextEquals("stop"u8))
        {
            return Stop;
        }

        if (reader.ValueTextEquals("length"u8))
        {
            return Length;
        }

        if (reader.ValueTextEquals("tool_calls"u8))
        {
            return ToolCalls;
        }

        return reader.ValueTextEquals("content_filter"u8) ? ContentFilter : reader.GetString() ?? Stop;
    }
}
